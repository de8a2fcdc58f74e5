//! hrSWInstalled (HOST-RESOURCES-MIB 25.6) from the dpkg database, as snmpd on Debian
//! lists it: one row per installed package in dpkg-query's order (by name, then
//! architecture), numbered from 1, named "package_version_architecture", type
//! operatingSystem for Essential packages and application otherwise, dated by the mtime
//! of the package's file list in /var/lib/dpkg/info. hrSWInstalledLastChange and
//! hrSWInstalledLastUpdateTime are not served, as snmpd does not.

use std::path::Path;

use snmp::{Oid, Value, VarBind};

use super::{date, host_oid};
use crate::view::View;

const STATUS: &str = "/var/lib/dpkg/status";
const INFO: &str = "/var/lib/dpkg/info";

/// One package of the status file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub arch: String,
    pub essential: bool,
}

/// The installed packages of a dpkg status file, sorted as dpkg-query lists them. Stanzas
/// without a Package field, or whose Status says not-installed, are skipped.
pub fn parse_status(text: &str) -> Vec<Package> {
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let mut p = Package::default();
        let mut installed = true;
        for line in stanza.lines() {
            let Some((key, value)) = line.split_once(':') else { continue };
            if line.starts_with([' ', '\t']) {
                continue;
            }
            let value = value.trim();
            match key {
                "Package" => p.name = value.to_string(),
                "Version" => p.version = value.to_string(),
                "Architecture" => p.arch = value.to_string(),
                "Essential" => p.essential = value == "yes",
                "Status" => installed = !value.contains("not-installed"),
                _ => {}
            }
        }
        if !p.name.is_empty() && installed {
            out.push(p);
        }
    }
    out.sort_by(|a, b| (a.name.as_bytes(), a.arch.as_bytes()).cmp(&(b.name.as_bytes(), b.arch.as_bytes())));
    out
}

/// DateAndTime of the package's file list (multi-arch packages use "name:arch.list").
fn install_date(p: &Package) -> Vec<u8> {
    [format!("{INFO}/{}:{}.list", p.name, p.arch), format!("{INFO}/{}.list", p.name)]
        .iter()
        .find_map(|f| std::fs::metadata(Path::new(f)).and_then(|m| m.modified()).ok())
        .map_or_else(|| date::UNKNOWN.to_vec(), date::of_system_time)
}

pub fn build(packages: &[Package], dates: impl Fn(&Package) -> Vec<u8>) -> View {
    let col = |c: u32, i: u32| host_oid(&[6, 3, 1, c, i]);
    let mut values = Vec::with_capacity(packages.len() * 5);
    for (n, p) in packages.iter().enumerate() {
        let i = n as u32 + 1;
        values.push(VarBind::new(col(1, i), Value::Integer(i as i32)));
        values.push(VarBind::new(col(2, i), Value::string(format!("{}_{}_{}", p.name, p.version, p.arch))));
        values.push(VarBind::new(col(3, i), Value::oid(Oid::from([0, 0]))));
        values.push(VarBind::new(col(4, i), Value::Integer(if p.essential { 2 } else { 4 })));
        values.push(VarBind::new(col(5, i), Value::string(dates(p))));
    }
    View::new(values, (1..=5).map(|c| host_oid(&[6, 3, 1, c])).collect())
}

pub fn collect() -> View {
    let text = std::fs::read_to_string(STATUS).unwrap_or_default();
    build(&parse_status(&text), install_date)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    const SAMPLE: &str = "Package: apt-transport-https\nStatus: install ok installed\nArchitecture: all\n\
        Version: 2.6.1\nDescription: x\n Version: 9\n\n\
        Package: apt\nStatus: install ok installed\nPriority: important\nArchitecture: amd64\nVersion: 2.6.1\n\n\
        Package: gone\nStatus: purge ok not-installed\nArchitecture: amd64\n\n\
        Package: bash\nEssential: yes\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b8\n\n\
        garbage without colon\n\n";

    #[test]
    fn dpkg_status() {
        let p = parse_status(SAMPLE);
        let names: Vec<&str> = p.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["apt", "apt-transport-https", "bash"]);
        assert_eq!(p[1].version, "2.6.1");
        assert!(p[2].essential && !p[0].essential);
        let view = build(&p, |_| date::UNKNOWN.to_vec());
        assert_eq!(view.get(&host_oid(&[6, 3, 1, 2, 3])), Value::string("bash_5.2.15-2+b8_amd64"));
        assert_eq!(view.get(&host_oid(&[6, 3, 1, 4, 3])), Value::Integer(2));
        assert_eq!(view.get(&host_oid(&[6, 3, 1, 2, 4])), Value::NoSuchInstance);
        assert!(parse_status("").is_empty());
    }
}
