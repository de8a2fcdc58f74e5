//! `-m MODULES -M DIRS` resolution: finds each requested module among the users' MIB files
//! (a file's module name is its first word) and the built-ins, pulls in imports, parses in
//! dependency order and links the tree. The built-in tree is built once and shared.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::smi_parser::{ModuleDef, parse_modules};
use crate::tree::Tree;
use crate::{MibError, builtin};

/// Where a module's text comes from.
enum Source {
    Builtin(&'static str),
    File(PathBuf),
}

fn parsed_builtins() -> Result<Vec<ModuleDef>, MibError> {
    let mut out = Vec::new();
    for (file, text) in builtin::MODULES {
        out.extend(parse_modules(text).map_err(|e| MibError::BadMibFile {
            file: (*file).to_string(),
            line: e.line,
            reason: e.reason,
        })?);
    }
    Ok(out)
}

/// The tree of all built-in modules, built on first use.
pub(crate) fn builtin_tree() -> Arc<Tree> {
    static TREE: OnceLock<Arc<Tree>> = OnceLock::new();
    TREE.get_or_init(|| {
        let tree = parsed_builtins().ok().and_then(|mods| Tree::build(&mods).ok()).unwrap_or_default();
        Arc::new(tree)
    })
    .clone()
}

/// The module name a MIB file defines: its first word.
fn first_word(text: &str) -> Option<String> {
    text.lines()
        .map(|l| l.split("--").next().unwrap_or("").trim())
        .find(|l| !l.is_empty())
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_string)
}

fn scan_dirs(dirs: Option<&str>) -> HashMap<String, Source> {
    let mut found = HashMap::new();
    let Some(dirs) = dirs else {
        return found;
    };
    for dir in dirs.split(':').map(|d| d.trim_start_matches('+')) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if !p.is_file() {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            if let Some(name) = first_word(&text) {
                found.entry(name).or_insert(Source::File(p));
            }
        }
    }
    found
}

/// Loads `modules` (net-snmp `-m` syntax) with `dirs` (`-M`).
pub(crate) fn load(modules: &str, dirs: Option<&str>) -> Result<Arc<Tree>, MibError> {
    let modules = modules.trim();
    let user = scan_dirs(dirs);
    let mut sources: HashMap<String, Source> =
        builtin::MODULES.iter().filter_map(|(_, text)| first_word(text).map(|n| (n, Source::Builtin(text)))).collect();
    let user_names: Vec<String> = user.keys().cloned().collect();
    sources.extend(user);

    let (add_default, list) = match modules.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, modules),
    };
    let mut wanted: Vec<String> = Vec::new();
    if add_default && user_names.is_empty() && list.is_empty() {
        return Ok(builtin_tree());
    }
    if add_default {
        wanted.extend(builtin_names());
    }
    for m in list.split([':', ',']).map(str::trim).filter(|m| !m.is_empty()) {
        if m == "ALL" {
            wanted.extend(builtin_names());
            let mut u = user_names.clone();
            u.sort();
            wanted.extend(u);
        } else {
            if !sources.contains_key(m) {
                return Err(MibError::ModuleNotFound(m.to_string()));
            }
            wanted.push(m.to_string());
        }
    }
    if wanted.is_empty() {
        return Tree::build(&[]).map(Arc::new).map_err(link_error);
    }

    // Depth-first: imports before importers.
    let mut order: Vec<ModuleDef> = Vec::new();
    let mut done: HashSet<String> = HashSet::new();
    let mut cache: HashMap<String, Vec<ModuleDef>> = HashMap::new();
    for w in &wanted {
        visit(w, &sources, &mut done, &mut cache, &mut order, 0)?;
    }
    Tree::build(&order).map(Arc::new).map_err(link_error)
}

fn link_error(e: crate::tree::LinkError) -> MibError {
    MibError::BadMibFile { file: e.module, line: e.line, reason: e.reason }
}

fn builtin_names() -> Vec<String> {
    builtin::MODULES.iter().filter_map(|(_, t)| first_word(t)).collect()
}

fn parse_source(name: &str, src: &Source) -> Result<Vec<ModuleDef>, MibError> {
    let (file, text) = match src {
        Source::Builtin(t) => (format!("{name} (built-in)"), (*t).to_string()),
        Source::File(p) => (
            p.display().to_string(),
            std::fs::read_to_string(p).map_err(|e| MibError::BadMibFile {
                file: p.display().to_string(),
                line: 0,
                reason: e.to_string(),
            })?,
        ),
    };
    parse_modules(&text).map_err(|e| MibError::BadMibFile { file, line: e.line, reason: e.reason })
}

fn visit(
    name: &str,
    sources: &HashMap<String, Source>,
    done: &mut HashSet<String>,
    cache: &mut HashMap<String, Vec<ModuleDef>>,
    order: &mut Vec<ModuleDef>,
    depth: usize,
) -> Result<(), MibError> {
    if done.contains(name) || depth > 64 {
        return Ok(());
    }
    done.insert(name.to_string());
    let Some(src) = sources.get(name) else {
        // Missing imports are tolerated as net-snmp does (it only warns).
        return Ok(());
    };
    let mods = match cache.remove(name) {
        Some(m) => m,
        None => parse_source(name, src)?,
    };
    for m in &mods {
        for (imp, _) in &m.imports {
            visit(imp, sources, done, cache, order, depth + 1)?;
        }
    }
    order.extend(mods);
    Ok(())
}
