//! Reference answers from the Rust `regex` crate, for `oracle-fixture.json` and differential runs.
//!
//! Reads JSON lines on stdin and writes one JSON line per input line:
//!
//! - `{"pattern": P, "inputs": [I, ...]}` →
//!   `{"ok": false, "error": E}` when `Regex::new(P)` fails, else
//!   `{"ok": true, "names": [null, "n", ...], "results": [{"m": M, "c": C}, ...]}` where `M` is
//!   `is_match(I)` (an unanchored search) and `C` is `captures(I)` as substrings (null for a group
//!   that did not participate), or null when nothing matches. Substrings, not offsets: Rust counts
//!   UTF-8 bytes, JS strings UTF-16 units.
//!   `{"ok": "panic"}` when the crate panics (regex 1.7 does on some patterns later versions reject).
//! - `{"pattern": P, "hir": true}` → `{"ok": true, "ranges": [lo, hi, ...]}`: the code points of a
//!   pattern that is a single class (or literal) as regex-syntax resolves it, for comparing Unicode
//!   tables and case folding; `"ranges": null` for other patterns.
//!
//! Only `regex` and `regex-syntax` are used (JSON is read and written by hand), so it builds offline
//! against Debian's packaged crates; see README.md.
use regex::Regex;
use std::io::{self, BufRead, BufWriter, Write};

fn main() {
    // A panic is reported as a result line; the default hook would also print it.
    std::panic::set_hook(Box::new(|_| {}));
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line.unwrap();
        if line.trim().is_empty() {
            continue;
        }
        let query = Query::parse(&line);
        let out = if query.hir {
            hir_ranges(&query.pattern)
        } else {
            std::panic::catch_unwind(|| search(&query.pattern, &query.inputs))
                .unwrap_or_else(|_| "{\"ok\":\"panic\"}".to_string())
        };
        writeln!(w, "{}", out).unwrap();
    }
}

fn search(pattern: &str, inputs: &[String]) -> String {
    let mut out = String::new();
    let re = match Regex::new(pattern) {
        Ok(re) => re,
        Err(e) => {
            out.push_str("{\"ok\":false,\"error\":");
            quote(&e.to_string(), &mut out);
            out.push('}');
            return out;
        }
    };
    out.push_str("{\"ok\":true,\"names\":[");
    for (i, name) in re.capture_names().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match name {
            None => out.push_str("null"),
            Some(n) => quote(n, &mut out),
        }
    }
    out.push_str("],\"results\":[");
    for (k, input) in inputs.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str(if re.is_match(input) { "{\"m\":true,\"c\":" } else { "{\"m\":false,\"c\":" });
        match re.captures(input) {
            None => out.push_str("null"),
            Some(caps) => {
                out.push('[');
                for g in 0..caps.len() {
                    if g > 0 {
                        out.push(',');
                    }
                    match caps.get(g) {
                        None => out.push_str("null"),
                        Some(m) => quote(m.as_str(), &mut out),
                    }
                }
                out.push(']');
            }
        }
        out.push('}');
    }
    out.push_str("]}");
    out
}

fn hir_ranges(pattern: &str) -> String {
    use regex_syntax::hir::{Class, HirKind, Literal};
    match regex_syntax::Parser::new().parse(pattern) {
        Err(_) => "{\"ok\":false}".to_string(),
        Ok(hir) => match hir.kind() {
            HirKind::Class(Class::Unicode(c)) => {
                let ranges: Vec<String> = c.iter().map(|r| format!("{},{}", r.start() as u32, r.end() as u32)).collect();
                format!("{{\"ok\":true,\"ranges\":[{}]}}", ranges.join(","))
            }
            HirKind::Literal(Literal::Unicode(c)) => format!("{{\"ok\":true,\"ranges\":[{},{}]}}", *c as u32, *c as u32),
            _ => "{\"ok\":true,\"ranges\":null}".to_string(),
        },
    }
}

/// One input line: `{"pattern": string, "inputs": [string...]}` or `{"pattern": string, "hir": true}`.
struct Query {
    pattern: String,
    inputs: Vec<String>,
    hir: bool,
}

impl Query {
    fn parse(line: &str) -> Query {
        let mut p = Json { s: line.as_bytes(), i: 0 };
        let mut q = Query { pattern: String::new(), inputs: Vec::new(), hir: false };
        p.eat(b'{');
        loop {
            let key = p.string();
            p.eat(b':');
            match key.as_str() {
                "pattern" => q.pattern = p.string(),
                "inputs" => {
                    p.eat(b'[');
                    while p.peek() != b']' {
                        q.inputs.push(p.string());
                        if p.peek() == b',' {
                            p.eat(b',');
                        }
                    }
                    p.eat(b']');
                }
                "hir" => q.hir = p.literal_true(),
                _ => panic!("unknown key {}", key),
            }
            if p.peek() != b',' {
                break;
            }
            p.eat(b',');
        }
        p.eat(b'}');
        q
    }
}

/// Just enough of a JSON reader for `Query`: objects, arrays, strings (all escapes) and `true`.
struct Json<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Json<'a> {
    fn peek(&mut self) -> u8 {
        while self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        self.s[self.i]
    }
    fn eat(&mut self, c: u8) {
        assert_eq!(self.peek(), c, "expected {} at byte {}", c as char, self.i);
        self.i += 1;
    }
    fn literal_true(&mut self) -> bool {
        self.peek();
        assert_eq!(&self.s[self.i..self.i + 4], b"true");
        self.i += 4;
        true
    }
    fn hex4(&mut self) -> u32 {
        let h = std::str::from_utf8(&self.s[self.i..self.i + 4]).unwrap();
        self.i += 4;
        u32::from_str_radix(h, 16).unwrap()
    }
    fn string(&mut self) -> String {
        self.eat(b'"');
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = self.s[self.i];
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = self.s[self.i];
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut u = self.hex4();
                            if (0xD800..0xDC00).contains(&u) {
                                assert_eq!(&self.s[self.i..self.i + 2], b"\\u", "lone surrogate");
                                self.i += 2;
                                u = 0x10000 + ((u - 0xD800) << 10) + (self.hex4() - 0xDC00);
                            }
                            char::from_u32(u).expect("lone surrogate")
                        }
                        _ => panic!("bad escape"),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(c),
            }
        }
        String::from_utf8(out).unwrap()
    }
}

fn quote(s: &str, out: &mut String) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
