//! Tokenizer for SMIv1/SMIv2 module text: words, numbers, quoted strings, binary/hex
//! strings and the few punctuation symbols ASN.1 macros use. Comments (`--` to the end of
//! the line or to the next `--`) are dropped. Every token remembers its line for errors.

/// One token of module text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// Identifier or keyword (`ifIndex`, `OBJECT-TYPE`, `Integer32`).
    Word(String),
    /// Decimal number, possibly negative.
    Num(i128),
    /// `"..."` string, quotes removed.
    Str(String),
    /// `'0A'H` or `'0101'B` string, kept as written with its radix letter.
    Quoted(String),
    /// `::=`
    Assign,
    /// `..`
    Range,
    /// Any other single punctuation character.
    Sym(char),
}

/// A token and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub line: u32,
}

/// Splits module text into tokens; the error is `(line, reason)`.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, (u32, String)> {
    // Byte-wise: every delimiter is ASCII, so slices between them stay valid UTF-8.
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 6);
    let mut i = 0usize;
    let mut line = 1u32;
    let at = |i: usize| bytes.get(i).map(|b| char::from(*b));
    let slice = |a: usize, b: usize| text.get(a..b).unwrap_or("").to_string();
    while let Some(c) = at(i) {
        if c == '\n' {
            line += 1;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '-' && at(i + 1) == Some('-') {
            i += 2;
            loop {
                match at(i) {
                    None | Some('\n') => break,
                    Some('-') if at(i + 1) == Some('-') => {
                        i += 2;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            continue;
        }
        let start_line = line;
        if c == '"' {
            i += 1;
            let start = i;
            loop {
                match at(i) {
                    None => return Err((start_line, "unterminated quoted string".into())),
                    Some('"') => break,
                    Some(ch) => {
                        if ch == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            let s = slice(start, i);
            i += 1;
            out.push(Token { tok: Tok::Str(s), line: start_line });
            continue;
        }
        if c == '\'' {
            i += 1;
            let mut s = String::new();
            loop {
                match at(i) {
                    None | Some('\n') => {
                        return Err((start_line, "unterminated '...' string".into()));
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            if let Some(r) = at(i).filter(|r| r.is_ascii_alphabetic()) {
                s.push(r.to_ascii_uppercase());
                i += 1;
            }
            out.push(Token { tok: Tok::Quoted(s), line: start_line });
            continue;
        }
        if c == ':' && at(i + 1) == Some(':') && at(i + 2) == Some('=') {
            i += 3;
            out.push(Token { tok: Tok::Assign, line });
            continue;
        }
        if c == '.' && at(i + 1) == Some('.') {
            i += 2;
            out.push(Token { tok: Tok::Range, line });
            continue;
        }
        let negative_number = c == '-' && at(i + 1).is_some_and(|d| d.is_ascii_digit());
        if c.is_ascii_digit() || negative_number {
            let start = i;
            i += 1;
            while at(i).is_some_and(|d| d.is_ascii_digit()) {
                i += 1;
            }
            let s = slice(start, i);
            let n = s.parse::<i128>().map_err(|_| (line, format!("bad number {s}")))?;
            out.push(Token { tok: Tok::Num(n), line });
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            i += 1;
            while let Some(d) = at(i) {
                let hyphen_ok = d == '-' && at(i + 1) != Some('-');
                if d.is_ascii_alphanumeric() || d == '_' || hyphen_ok {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(Token { tok: Tok::Word(slice(start, i)), line });
            continue;
        }
        i += 1;
        out.push(Token { tok: Tok::Sym(c), line });
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap_or_default().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn words_numbers_symbols() {
        assert_eq!(
            toks("ifIndex OBJECT-TYPE ::= { ifEntry 1 } -- c\n(0..-5)"),
            vec![
                Tok::Word("ifIndex".into()),
                Tok::Word("OBJECT-TYPE".into()),
                Tok::Assign,
                Tok::Sym('{'),
                Tok::Word("ifEntry".into()),
                Tok::Num(1),
                Tok::Sym('}'),
                Tok::Sym('('),
                Tok::Num(0),
                Tok::Range,
                Tok::Num(-5),
                Tok::Sym(')'),
            ]
        );
    }

    #[test]
    fn strings_and_inline_comments() {
        assert_eq!(
            toks("a -- x -- b \"q\nr\" 'FF'h"),
            vec![Tok::Word("a".into()), Tok::Word("b".into()), Tok::Str("q\nr".into()), Tok::Quoted("FFH".into()),]
        );
        assert!(tokenize("\"open").is_err());
    }
}
