//! `table`, as snmptable (written once the mibs crate exposes table definitions).

use super::{Failure, Session};

pub async fn run(argv: &[String]) -> Result<i32, Failure> {
    let s = Session::open(argv, "fw").await?;
    let name = s.operands.first().cloned().unwrap_or_default();
    Err(Failure::Message(format!("Was that a table? {name}")))
}
