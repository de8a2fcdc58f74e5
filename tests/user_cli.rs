//! `osprey user add|list|remove`: the password read from stdin and stored as an argon2 hash
//! (never printed), names and passwords refused with a clear message and nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn osprey(data: &Path, args: &[&str], stdin: &str) -> Outcome {
    let mut child = Command::new(env!("CARGO_BIN_EXE_osprey"))
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A refused name ends the command before it reads stdin: the pipe may be closed already.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    let output = child.wait_with_output().unwrap();
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn users_are_added_listed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let added = osprey(data, &["user", "add", "alice"], "s3cret-horse\n");
    assert_eq!(added.code, 0, "{}", added.stderr);
    assert!(added.stdout.contains("added user alice"));
    assert!(!added.stdout.contains("s3cret") && !added.stderr.contains("s3cret"));

    let listed = osprey(data, &["user", "list"], "");
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(listed.stdout.starts_with("alice\tadded "), "{}", listed.stdout);
    assert!(!listed.stdout.contains("argon2") && !listed.stdout.contains("s3cret"));

    // Only the hash is stored: the database file never holds the password.
    let db = std::fs::read(data.join("osprey.db")).unwrap();
    let wal = std::fs::read(data.join("osprey.db-wal")).unwrap_or_default();
    let needle = b"s3cret-horse";
    assert!(!db.windows(needle.len()).chain(wal.windows(needle.len())).any(|w| w == needle));
    let inventory = poller::inventory::Inventory::open(data).unwrap();
    assert!(inventory.verify_user("alice", "s3cret-horse").unwrap());
    drop(inventory);

    let again = osprey(data, &["user", "add", "alice"], "another-password\n");
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("a user named 'alice' already exists"), "{}", again.stderr);

    let removed = osprey(data, &["user", "remove", "alice"], "");
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    assert_eq!(osprey(data, &["user", "list"], "").stdout, "");
    let missing = osprey(data, &["user", "remove", "alice"], "");
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("no user named 'alice'"), "{}", missing.stderr);
}

#[test]
fn bad_names_and_passwords_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    for (args, stdin, message) in [
        (&["user", "add", "bob"][..], "\n", "empty password"),
        (&["user", "add", "bob"][..], "", "empty password"),
        (&["user", "add", "bob"][..], "short\n", "at least 8 characters"),
        (&["user", "add", "b/ob"][..], "long enough\n", "invalid user name"),
        (&["user", "add", "-bob"][..], "long enough\n", "invalid user name"),
        (&["user", "add"][..], "", "usage: osprey"),
        (&["user", "frob", "bob"][..], "", "usage: osprey"),
        (&["user", "list", "extra"][..], "", "usage: osprey"),
    ] {
        let out = osprey(data, args, stdin);
        assert_eq!(out.code, 1, "{args:?}");
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
    }
    assert_eq!(osprey(data, &["user", "list"], "").stdout, "");
    // A password with spaces and a CRLF ending is taken without the line ending.
    assert_eq!(osprey(data, &["user", "add", "bob"], "with spaces inside\r\n").code, 0);
    let inventory = poller::inventory::Inventory::open(data).unwrap();
    assert!(inventory.verify_user("bob", "with spaces inside").unwrap());
}
