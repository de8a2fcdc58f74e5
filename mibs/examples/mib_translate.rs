//! `cargo run -p osprey-mibs --example mib_translate -- [-M DIRS] [-m MODULES] OID...`:
//! prints each OID numerically and in the default style (a quick manual check of the
//! loader and translation against `snmptranslate`).

use mibs::{Mib, OidStyle, OutputOptions};

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let mut dirs = None;
    let mut modules = None;
    let mut oids = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "-M" => dirs = args.next(),
            "-m" => modules = args.next(),
            _ => oids.push(a),
        }
    }
    let mib = match (&modules, &dirs) {
        (None, None) => Mib::builtin(),
        _ => match Mib::load(modules.as_deref().unwrap_or("ALL"), dirs.as_deref()) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        },
    };
    let numeric = OutputOptions { oid_style: OidStyle::Numeric, ..OutputOptions::default() };
    for o in oids {
        match mib.parse_oid(&o) {
            Ok(oid) => {
                println!("{} {}", mib.format_oid(&oid, &numeric), mib.format_oid(&oid, &OutputOptions::default()))
            }
            Err(e) => println!("{o}: {e}"),
        }
    }
}
