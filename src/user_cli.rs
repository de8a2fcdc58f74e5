//! `osprey [--data DIR] user add|remove|list`: the dashboard's users. `user add NAME` reads
//! the password from stdin (one line; at least 8 characters) and stores only its argon2
//! hash in the inventory; passwords are never printed. Errors are one line on stderr and
//! exit code 1.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use crate::lifecycle::fail;
use poller::inventory::Inventory;

const USAGE: &str = "\
usage: osprey [--data DIR] user add NAME      (password read from stdin, one line)
       osprey [--data DIR] user remove NAME
       osprey [--data DIR] user list
A user is needed to change devices from the dashboard when it listens beyond loopback.";

/// `osprey user ...`.
pub fn run(data: &Path, args: &[String]) -> i32 {
    let result = match args {
        [sub, name] if sub == "add" => add(data, name),
        [sub, name] if sub == "remove" => remove(data, name),
        [sub] if sub == "list" => list(data),
        [sub] if sub == "-h" || sub == "--help" => {
            println!("{USAGE}");
            return 0;
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => 0,
        Err(message) => fail(message),
    }
}

/// One line of stdin without its line ending; a prompt on stderr when stdin is a terminal.
fn read_password(name: &str) -> Result<String, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password for {name} (shown as typed): ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(|e| format!("cannot read the password from stdin: {e}"))?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    Ok(password.strip_suffix('\r').unwrap_or(password).to_string())
}

fn add(data: &Path, name: &str) -> Result<(), String> {
    poller::inventory::users::validate_user_name(name).map_err(|e| e.to_string())?;
    let password = read_password(name)?;
    let inventory = Inventory::open(data).map_err(|e| e.to_string())?;
    inventory.add_user(name, &password, poller::poll::unix_now() as i64).map_err(|e| e.to_string())?;
    println!("added user {name}");
    Ok(())
}

fn remove(data: &Path, name: &str) -> Result<(), String> {
    let inventory = Inventory::open(data).map_err(|e| e.to_string())?;
    inventory.remove_user(name).map_err(|e| e.to_string())?;
    println!("removed user {name}");
    Ok(())
}

fn list(data: &Path) -> Result<(), String> {
    let inventory = Inventory::open(data).map_err(|e| e.to_string())?;
    for user in inventory.users().map_err(|e| e.to_string())? {
        let created =
            jiff::Timestamp::from_second(user.created).map_or_else(|_| user.created.to_string(), |t| t.to_string());
        println!("{}\tadded {created}", user.name);
    }
    Ok(())
}
