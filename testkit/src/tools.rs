//! Running command-line tools (Net-SNMP's and ours) and comparing what they print.

use std::process::{Command, Stdio};

/// What a command printed and how it exited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs `program` with no stdin and `MIBS` empty (Debian's default MIB list).
pub fn run(program: &str, args: &[&str]) -> Output {
    run_with_env(program, args, &[("MIBS", "")])
}

/// Runs `program` with no stdin and `TZ=UTC`, so rrdtool's local-time output is comparable.
pub fn run_utc(program: &str, args: &[&str]) -> Output {
    run_with_env(program, args, &[("TZ", "UTC")])
}

fn run_with_env(program: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let out = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// The first lines where `a` and `b` differ, for assertion messages.
pub fn first_differences(a: &str, b: &str) -> String {
    let (al, bl): (Vec<_>, Vec<_>) = (a.lines().collect(), b.lines().collect());
    let mut out = format!("{} vs {} lines\n", al.len(), bl.len());
    let differing = (0..al.len().max(bl.len())).filter(|&i| al.get(i) != bl.get(i));
    for i in differing.take(8) {
        out += &format!("line {}:\n  expected: {:?}\n  actual:   {:?}\n", i + 1, al.get(i), bl.get(i));
    }
    out
}

/// Asserts both printed the same, byte for byte, and exited alike.
pub fn assert_same(what: &str, expected: &Output, actual: &Output) {
    assert!(
        expected.stdout == actual.stdout,
        "{what}: stdout differs\n{}",
        first_differences(&expected.stdout, &actual.stdout)
    );
    assert_eq!(expected.stderr, actual.stderr, "{what}: stderr differs");
    assert_eq!(expected.code, actual.code, "{what}: exit code differs");
}

/// Runs net-snmp's `tool` and `osprey CMD` (the binary `osprey`) with the same arguments and
/// asserts they print the same; messages that name the program ("snmpget: ...", "osprey
/// get: ...") are compared with ours renamed. Returns ours.
pub fn compare_with_osprey(osprey: &str, tool: &str, cmd: &str, args: &[&str]) -> Output {
    let theirs = run(tool, args);
    let mut ours_args = vec![cmd];
    ours_args.extend_from_slice(args);
    let mut ours = run(osprey, &ours_args);
    ours.stderr = ours.stderr.replace(&format!("osprey {cmd}:"), &format!("{tool}:"));
    assert_same(&format!("{tool} {}", args.join(" ")), &theirs, &ours);
    ours
}
