//! rrdtool's file locks: a whole-file `fcntl` lock, exclusive for writers (update, tune) and
//! shared for readers (info, dump, fetch, lastupdate, first, last). Neither waits: like
//! rrdtool, a command finding the file locked against it fails at once with "could not lock
//! RRD".
//!
//! They are open file description locks (`F_OFD_SETLK`), which conflict with the classic
//! `F_SETLK` locks rrdtool and Cacti take (flock would not), and unlike those they belong to
//! one open file rather than to the whole process: threads of one process (the poller's
//! writers, the web reading graphs) exclude each other too, and closing one handle of a file
//! does not drop a lock another handle holds.

use std::fs::File;

use nix::fcntl::{FcntlArg, fcntl};

fn set(file: &File, kind: i32) -> bool {
    // l_pid must be 0 for OFD locks.
    let lock =
        nix::libc::flock { l_type: kind as i16, l_whence: nix::libc::SEEK_SET as i16, l_start: 0, l_len: 0, l_pid: 0 };
    fcntl(file, FcntlArg::F_OFD_SETLK(&lock)).is_ok()
}

/// Takes the exclusive lock; false when another process or handle holds any lock on the file.
pub(crate) fn write(file: &File) -> bool {
    set(file, nix::libc::F_WRLCK)
}

/// Takes the shared lock; false when another process or handle holds the exclusive one.
pub(crate) fn read(file: &File) -> bool {
    set(file, nix::libc::F_RDLCK)
}

/// Releases this handle's lock (closing the file does it too).
pub(crate) fn unlock(file: &File) {
    // A failure leaves nothing to undo: the lock goes with the handle at the latest.
    set(file, nix::libc::F_UNLCK);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn two_handles_of_one_process_exclude_each_other() {
        let tmp = tempfile::NamedTempFile::new().unwrap();
        let a = File::options().read(true).write(true).open(tmp.path()).unwrap();
        let b = File::options().read(true).write(true).open(tmp.path()).unwrap();
        assert!(write(&a));
        assert!(!write(&b) && !read(&b));
        unlock(&a);
        assert!(read(&a) && read(&b));
        assert!(!write(&b));
        // Closing one handle leaves the other's lock in place.
        drop(a);
        assert!(write(&b));
    }
}
