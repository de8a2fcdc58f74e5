//! rrdtool's file locks: a whole-file `fcntl(F_SETLK)` lock, exclusive for writers (update,
//! tune) and shared for readers (info, dump, fetch, lastupdate, first, last). Neither waits:
//! like rrdtool, a command finding the file locked against it fails at once with
//! "could not lock RRD". Being fcntl locks, they interlock with rrdtool and Cacti (flock
//! would not).

use std::fs::File;

use nix::fcntl::{FcntlArg, fcntl};

fn set(file: &File, kind: i32) -> bool {
    let lock =
        nix::libc::flock { l_type: kind as i16, l_whence: nix::libc::SEEK_SET as i16, l_start: 0, l_len: 0, l_pid: 0 };
    fcntl(file, FcntlArg::F_SETLK(&lock)).is_ok()
}

/// Takes the exclusive lock; false when another process holds any lock on the file.
pub(crate) fn write(file: &File) -> bool {
    set(file, nix::libc::F_WRLCK)
}

/// Takes the shared lock; false when another process holds the exclusive one.
pub(crate) fn read(file: &File) -> bool {
    set(file, nix::libc::F_RDLCK)
}
