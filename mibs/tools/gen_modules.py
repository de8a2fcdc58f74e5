#!/usr/bin/env python3
"""Expands Osprey's compact module specs (tools/spec/*.spec) into SMIv2 module files
(modules/*.txt) and the embedded list in src/builtin.rs (run `cargo fmt -p osprey-mibs`
afterwards). The spec facts come from the RFCs and net-snmp's documented MIB objects;
the generated text (layout, descriptions) is our own.

Spec lines (fields separated by '|'):
  MODULE NAME                      start of a module; `ORG text` optional
  ID name | parent n               MODULE-IDENTITY
  OI name | parent n               OBJECT IDENTIFIER
  OID name | parent n              OBJECT-IDENTITY
  TC Name | hint | syntax          TEXTUAL-CONVENTION (hint may be empty)
  S name | parent n | syntax | access[/status] [| units]      scalar
  T name | parent n | row | INDEX list or 'AUGMENTS other'    table + row (row = .1)
  C name | n | syntax | access[/status] [| units]            column of the last T
  N name | parent n | objects                                NOTIFICATION-TYPE
access: ro rw rc na an wo; status suffix /d deprecated, /o obsolete.
"""
import os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ACCESS = {"ro": "read-only", "rw": "read-write", "rc": "read-create",
          "na": "not-accessible", "an": "accessible-for-notify", "wo": "read-write"}
STATUS = {"": "current", "d": "deprecated", "o": "obsolete"}
SMI = {"MODULE-IDENTITY", "OBJECT-IDENTITY", "OBJECT-TYPE", "NOTIFICATION-TYPE",
       "Integer32", "IpAddress", "Counter32", "Gauge32", "Unsigned32", "TimeTicks",
       "Opaque", "Counter64", "org", "dod", "internet", "directory", "mgmt", "mib-2",
       "transmission", "experimental", "private", "enterprises", "security", "snmpV2",
       "snmpDomains", "snmpProxys", "snmpModules", "zeroDotZero"}
BUILTIN_WORDS = {"INTEGER", "OCTET", "STRING", "OBJECT", "IDENTIFIER", "SIZE", "BITS", "SEQUENCE", "OF"}

symbols = {s: "SNMPv2-SMI" for s in SMI}
symbols["TEXTUAL-CONVENTION"] = "SNMPv2-TC"


def type_words(syntax):
    s = re.sub(r"\{[^}]*\}", "", syntax)
    s = re.sub(r"\(.*\)", "", s)
    return [w for w in s.split() if w not in BUILTIN_WORDS]


def seq_type(syntax):
    s = re.sub(r"\{[^}]*\}", "", syntax)
    s = re.sub(r"\(.*\)", "", s).strip()
    return s


def q(text):
    return '"' + text.replace('"', "'") + '"'


def gen(spec_lines):
    name = None
    org = "Osprey project"
    body = []
    defined = set()
    used = set()
    rows = []  # (rowname, [(col, seqtype)])
    cur_row = None
    seq_of = {}

    def obj(n, syntax, access, parent, units=None, index=None, augments=None, desc=""):
        acc, _, st = access.partition("/")
        out = [f"{n} OBJECT-TYPE", f"    SYNTAX      {syntax}"]
        if units:
            out.append(f"    UNITS       {q(units)}")
        out += [f"    MAX-ACCESS  {ACCESS[acc]}", f"    STATUS      {STATUS[st]}",
                f"    DESCRIPTION {q(desc)}"]
        if index:
            out.append(f"    INDEX       {{ {index} }}")
        if augments:
            out.append(f"    AUGMENTS    {{ {augments} }}")
        out.append(f"    ::= {{ {parent} }}")
        used.update(type_words(syntax))
        used.add("OBJECT-TYPE")
        body.append("\n".join(out) + "\n")

    for raw in spec_lines:
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("TC") else raw.rstrip()
        if not line.strip():
            continue
        kw, _, rest = line.strip().partition(" ")
        f = [x.strip() for x in (rest.split("|", 2) if kw == "TC" else rest.split("|"))]
        if kw == "MODULE":
            name = f[0]
        elif kw == "ORG":
            org = rest.strip()
        elif kw == "ID":
            defined.add(f[0]); used.add(f[1].split()[0]); used.add("MODULE-IDENTITY")
            body.append(f"{f[0]} MODULE-IDENTITY\n    LAST-UPDATED \"202401010000Z\"\n"
                        f"    ORGANIZATION {q(org)}\n    CONTACT-INFO \"\"\n"
                        f"    DESCRIPTION {q((f[2] if len(f) > 2 else name + ' objects.'))}\n"
                        f"    ::= {{ {f[1]} }}\n")
        elif kw == "OI":
            defined.add(f[0]); used.add(f[1].split()[0])
            body.append(f"{f[0]:<16} OBJECT IDENTIFIER ::= {{ {f[1]} }}\n")
        elif kw == "OID":
            defined.add(f[0]); used.add(f[1].split()[0]); used.add("OBJECT-IDENTITY")
            body.append(f"{f[0]} OBJECT-IDENTITY\n    STATUS      current\n"
                        f"    DESCRIPTION \"\"\n    ::= {{ {f[1]} }}\n")
        elif kw == "TC":
            defined.add(f[0]); used.add("TEXTUAL-CONVENTION")
            used.update(type_words(f[2]))
            hint = f"    DISPLAY-HINT {q(f[1])}\n" if f[1] else ""
            body.append(f"{f[0]} ::= TEXTUAL-CONVENTION\n{hint}    STATUS      current\n"
                        f"    DESCRIPTION \"\"\n    SYNTAX      {f[2]}\n")
        elif kw == "S":
            defined.add(f[0]); used.add(f[1].split()[0])
            obj(f[0], f[2], f[3], f[1], f[4] if len(f) > 4 else None)
        elif kw == "T":
            tname, parent, row, idx = f[0], f[1], f[2], f[3]
            defined.update([tname, row, row[0].upper() + row[1:]]); used.add(parent.split()[0])
            rowtype = row[0].upper() + row[1:]
            obj(tname, f"SEQUENCE OF {rowtype}", "na", parent)
            if idx.startswith("AUGMENTS"):
                aug = idx.split()[1]; used.add(aug)
                obj(row, rowtype, "na", f"{tname} 1", augments=aug)
            else:
                names = [x.replace("IMPLIED", "").strip() for x in idx.split(",")]
                used.update(names)
                obj(row, rowtype, "na", f"{tname} 1", index=idx)
            cur_row = (row, rowtype, [])
            rows.append(cur_row)
        elif kw == "C":
            defined.add(f[0])
            obj(f[0], f[2], f[3], f"{cur_row[0]} {f[1]}", f[4] if len(f) > 4 else None)
            cur_row[2].append((f[0], seq_type(f[2])))
        elif kw == "N":
            defined.add(f[0]); used.add(f[1].split()[0]); used.add("NOTIFICATION-TYPE")
            objs = [x.strip() for x in f[2].split(",")] if len(f) > 2 and f[2] else []
            used.update(objs)
            o = f"    OBJECTS     {{ {', '.join(objs)} }}\n" if objs else ""
            body.append(f"{f[0]} NOTIFICATION-TYPE\n{o}    STATUS      current\n"
                        f"    DESCRIPTION \"\"\n    ::= {{ {f[1]} }}\n")
        else:
            sys.exit(f"bad spec line: {raw}")

    for row, rowtype, cols in rows:
        w = max(len(c) for c, _ in cols) if cols else 8
        body.append(f"{rowtype} ::= SEQUENCE {{\n" +
                    ",\n".join(f"    {c:<{w}} {t}" for c, t in cols) + "\n}\n")

    imports = {}
    for u in sorted(used - defined):
        mod = symbols.get(u)
        if mod is None:
            sys.exit(f"{name}: unknown symbol {u}")
        if mod != name:
            imports.setdefault(mod, []).append(u)
    for d in defined:
        symbols.setdefault(d, name)
    text = [f"{name} DEFINITIONS ::= BEGIN\n",
            "-- Generated by tools/gen_modules.py from tools/spec; compact Osprey module.\n"]
    if imports:
        parts = []
        for mod, syms in imports.items():
            parts.append("    " + ",\n    ".join(", ".join(syms[i:i + 5]) for i in range(0, len(syms), 5)) + f"\n        FROM {mod}")
        text.append("IMPORTS\n" + "\n".join(parts) + ";\n")
    text += body
    text.append("END\n")
    return name, "\n".join(text)


def main():
    order = [l.strip() for l in open(os.path.join(HERE, "spec", "ORDER")) if l.strip()]
    for f in order:
        lines = open(os.path.join(HERE, "spec", f + ".spec")).read().splitlines()
        name, text = gen(lines)
        with open(os.path.join(HERE, "..", "modules", name + ".txt"), "w") as out:
            out.write(text)
    # The embedded list in src/builtin.rs, in dependency order.
    mods = ["SNMPv2-SMI", "SNMPv2-TC", "SNMPv2-CONF"] + [m for m in order if m != "SNMPv2-TC"]
    body = "".join(f'    ("{m}.txt", include_str!("../modules/{m}.txt")),\n' for m in mods)
    path = os.path.join(HERE, "..", "src", "builtin.rs")
    src = open(path).read()
    start = src.index("pub(crate) const MODULES")
    with open(path, "w") as out:
        out.write(src[:start] + "pub(crate) const MODULES: &[(&str, &str)] = &[\n" + body + "];\n")


if __name__ == "__main__":
    main()
