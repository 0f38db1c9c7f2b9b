//! Our own mutant generator: source text in, a list of mutants out. Pure: no
//! files, no tools. `workshop dev mutants` grades each mutant of a reference
//! solution through the learner's path (see `commands::mutants`).
//!
//! The source is lexed into tokens (comments dropped; strings, chars and
//! template literals kept whole, so nothing inside them is ever mutated), and
//! the operators are applied at token level, as Rust's mutation testers do:
//! a handful of plausible slips per place, not every possible edit. What
//! differs between languages (keywords, punctuation, literal syntax, what a
//! function body may be replaced with) is a small table keyed by `Lang`.
//!
//! Binary operators are told from look-alikes by formatting: a binary operator
//! has whitespace on both sides (rustfmt and prettier always write `a < b`)
//! and follows an operand, so `Vec<T>`, `&&x`, `move || x` and `*ptr` are left
//! alone.

use std::collections::BTreeSet;
use std::ops::Range;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::lang::Lang;

/// The per-level list of equivalent mutants, in the level's checks folder.
pub const DATA_FILE: &str = "mutants.toml";

/// Every operator, in the order they are documented.
pub const OPERATORS: &[&str] = &[
    "relational",       // < <-> <=, > <-> >=
    "equality",         // == <-> !=, === <-> !==
    "logical",          // && <-> ||
    "negation",         // !x -> x
    "arithmetic",       // + <-> -, * <-> /, += <-> -=, *= <-> /=, ++ <-> --
    "offset",           // x + 1 -> x
    "constant",         // n -> n + 1
    "boolean",          // true <-> false
    "loop-control",     // break <-> continue
    "min-max",          // .min( <-> .max(
    "none",             // Rust: Some(x) -> None
    "undefined",        // TypeScript: return x -> return undefined
    "delete-statement", // a call or assignment statement removed
    "default-body",     // a function body replaced by a default value
];

/// One mutant: `span` of the original file replaced by `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutant {
    pub file: String,
    /// 1-based line and column (in characters) where the change starts.
    pub line: usize,
    pub column: usize,
    pub operator: &'static str,
    /// A stable name for the mutant: the mutated line, trimmed, or for the
    /// operators that span lines, `delete <statement>` / `fn <name> -> <value>`.
    /// `replace` in the equivalent-mutants file names a mutant by this key.
    pub key: String,
    pub span: Range<usize>,
    pub replacement: String,
    /// A unified diff of the change, with a little context.
    pub diff: String,
}

impl Mutant {
    /// The file's text with this mutant applied.
    pub fn apply(&self, source: &str) -> String {
        let mut out = String::with_capacity(source.len() + self.replacement.len());
        out.push_str(&source[..self.span.start]);
        out.push_str(&self.replacement);
        out.push_str(&source[self.span.end..]);
        out
    }

    /// `file:line:column`.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Every mutant of one file, in source order. Deterministic.
pub fn generate(lang: Lang, file: &str, source: &str) -> Vec<Mutant> {
    let tokens = lex(lang, source);
    let cx = Cx::new(lang, source, tokens);
    let mut edits = Vec::new();
    for i in 0..cx.toks.len() {
        if !cx.skip[i] {
            cx.token_mutants(i, &mut edits);
        }
    }
    cx.statement_deletions(&mut edits);
    cx.default_bodies(&mut edits);
    // Source order; at one place, the order the operators were tried.
    edits.sort_by_key(|e| e.span.start);
    let mut seen = BTreeSet::new();
    edits
        .into_iter()
        .filter(|e| seen.insert((e.span.start, e.span.end, e.replacement.clone())))
        .map(|e| finish(file, source, e))
        .collect()
}

/// `n` mutants picked from `items` by `seed`, reproducibly, in their original order.
pub fn sample<T>(items: Vec<T>, n: usize, seed: u64) -> Vec<T> {
    if n >= items.len() {
        return items;
    }
    let mut state = seed;
    let mut next = move || {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..items.len()).collect();
    for i in 0..n {
        let j = i + (next() % (items.len() - i) as u64) as usize;
        order.swap(i, j);
    }
    let chosen: BTreeSet<usize> = order[..n].iter().copied().collect();
    items.into_iter().enumerate().filter(|(i, _)| chosen.contains(i)).map(|(_, m)| m).collect()
}

// ---------------------------------------------------------------------------
// The equivalent-mutants data file
// ---------------------------------------------------------------------------

/// A mutant that cannot change observable behaviour, with the reason why.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equivalent {
    pub file: String,
    pub line: usize,
    pub operator: String,
    /// The mutant's key (see `Mutant::key`).
    pub replace: String,
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataFile {
    #[serde(default)]
    equivalent: Vec<Equivalent>,
}

/// Parses a level's `mutants.toml` (`name` is its path, for messages).
pub fn parse_equivalents(name: &str, text: &str) -> Result<Vec<Equivalent>> {
    let data: DataFile = toml::from_str(text).with_context(|| format!("{name} is not valid"))?;
    let mut seen = BTreeSet::new();
    for (i, e) in data.equivalent.iter().enumerate() {
        let at = format!("{name}: [[equivalent]] number {} (line {} of {})", i + 1, e.line, e.file);
        for (key, value) in [("file", &e.file), ("replace", &e.replace), ("reason", &e.reason)] {
            if value.trim().is_empty() {
                bail!("{at}: `{key}` is empty");
            }
        }
        if e.line == 0 {
            bail!("{at}: `line` starts at 1");
        }
        if !OPERATORS.contains(&e.operator.as_str()) {
            bail!("{at}: `operator` is {:?}, which is not one of: {}", e.operator, OPERATORS.join(", "));
        }
        if !seen.insert((&e.file, e.line, &e.operator, &e.replace)) {
            bail!("{at}: listed twice");
        }
    }
    Ok(data.equivalent)
}

/// How the data file's entries meet the generated mutants.
#[derive(Debug, Default)]
pub struct Matching {
    /// Mutant index -> entry index.
    pub equivalent: Vec<(usize, usize)>,
    /// Entries matching no mutant, with why.
    pub stale: Vec<(usize, String)>,
    /// Entries that matched a mutant on another line: (entry, the mutant's line).
    pub moved: Vec<(usize, usize)>,
}

/// Matches each entry to the mutant with its file, operator and key: on its
/// line, else the only such mutant anywhere (reported as moved).
pub fn match_equivalents(mutants: &[Mutant], entries: &[Equivalent]) -> Matching {
    let mut out = Matching::default();
    for (e, entry) in entries.iter().enumerate() {
        let same: Vec<usize> = (0..mutants.len())
            .filter(|&m| {
                let m = &mutants[m];
                m.file == entry.file && m.operator == entry.operator && m.key == entry.replace
            })
            .collect();
        if let Some(&m) = same.iter().find(|&&m| mutants[m].line == entry.line) {
            out.equivalent.push((m, e));
        } else if let [m] = same[..] {
            out.equivalent.push((m, e));
            out.moved.push((e, mutants[m].line));
        } else if same.is_empty() {
            out.stale.push((e, "no such mutant any more".to_string()));
        } else {
            let lines: Vec<String> = same.iter().map(|&m| mutants[m].line.to_string()).collect();
            out.stale.push((e, format!("none on its line; it matches lines {}", lines.join(", "))));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Per-language syntax
// ---------------------------------------------------------------------------

struct Syntax {
    /// Words that never end an operand (so an operator after them is not binary).
    keywords: &'static [&'static str],
    /// Multi-character punctuation, longest first.
    puncts: &'static [&'static str],
    equality: &'static [(&'static str, &'static str)],
    /// Statements starting with these are never deleted.
    keep_statements: &'static [&'static str],
}

static RUST: Syntax = Syntax {
    keywords: &[
        "as", "async", "box", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "fn", "for",
        "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
        "trait", "type", "unsafe", "use", "where", "while", "yield",
    ],
    puncts: &[
        "<<=", ">>=", "...", "..=", "::", "->", "=>", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=", "/=", "%=",
        "^=", "&=", "|=", "<<", ">>", "..",
    ],
    equality: &[("==", "!="), ("!=", "==")],
    keep_statements: &[
        "let",
        "return",
        "use",
        "mod",
        "const",
        "static",
        "type",
        "pub",
        "fn",
        "impl",
        "struct",
        "enum",
        "trait",
        "extern",
        "break",
        "continue",
        "if",
        "match",
        "while",
        "for",
        "loop",
        "unsafe",
        "async",
        "macro_rules",
    ],
};

static TYPESCRIPT: Syntax = Syntax {
    keywords: &[
        "abstract",
        "as",
        "async",
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "declare",
        "default",
        "delete",
        "do",
        "else",
        "export",
        "extends",
        "finally",
        "for",
        "function",
        "if",
        "implements",
        "import",
        "in",
        "instanceof",
        "interface",
        "keyof",
        "let",
        "new",
        "of",
        "package",
        "private",
        "protected",
        "public",
        "readonly",
        "return",
        "satisfies",
        "static",
        "switch",
        "throw",
        "try",
        "type",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
    ],
    puncts: &[
        ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "??=", "&&=", "||=", "=>", "==", "!=", "<=", ">=",
        "&&", "||", "??", "?.", "+=", "-=", "*=", "/=", "%=", "^=", "&=", "|=", "**", "++", "--", "<<", ">>",
    ],
    equality: &[("===", "!=="), ("!==", "==="), ("==", "!="), ("!=", "==")],
    keep_statements: &[
        "const",
        "let",
        "var",
        "return",
        "throw",
        "import",
        "export",
        "type",
        "interface",
        "declare",
        "class",
        "function",
        "if",
        "for",
        "while",
        "do",
        "switch",
        "case",
        "default",
        "break",
        "continue",
        "yield",
        "super",
        "private",
        "public",
        "protected",
        "readonly",
        "static",
        "abstract",
        "try",
        "enum",
        "namespace",
    ],
};

fn syntax(lang: Lang) -> &'static Syntax {
    match lang {
        Lang::Rust => &RUST,
        Lang::TypeScript => &TYPESCRIPT,
    }
}

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ident,
    /// A decimal integer literal, maybe with a type suffix.
    Int,
    /// Any other number (float, hex, ...): never mutated.
    Num,
    /// A string, char or template literal: never mutated.
    Str,
    Lifetime,
    Punct,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
    /// Whitespace or a comment right before it (or the start of the file).
    ws_before: bool,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn lex(lang: Lang, src: &str) -> Vec<Tok> {
    let b = src.as_bytes();
    let syn = syntax(lang);
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut toks: Vec<Tok> = Vec::new();
    let mut i = 0;
    let mut ws = true;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            ws = true;
            i += 1;
            continue;
        }
        if c == b'/' && at(i + 1) == b'/' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            ws = true;
            continue;
        }
        if c == b'/' && at(i + 1) == b'*' {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && at(i + 1) == b'*' {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && at(i + 1) == b'/' {
                    depth -= 1;
                    i += 2;
                    // Rust block comments nest; TypeScript's do not.
                    if depth == 0 || lang == Lang::TypeScript {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            ws = true;
            continue;
        }
        let start = i;
        let kind = match c {
            // Rust raw strings and byte strings: r"..", r#".."#, b"..", br#".."#, b'x'.
            b'r' | b'b' if lang == Lang::Rust && raw_or_byte_string(b, i).is_some() => {
                i = raw_or_byte_string(b, i).unwrap_or(b.len());
                Kind::Str
            }
            b'r' if lang == Lang::Rust && at(i + 1) == b'#' && is_ident_start(at(i + 2)) => {
                i += 2;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                Kind::Ident
            }
            b'"' => {
                i = quoted(b, i, b'"');
                Kind::Str
            }
            b'\'' if lang == Lang::TypeScript => {
                i = quoted(b, i, b'\'');
                Kind::Str
            }
            b'\'' => {
                // A char literal ('a', '\n', 'é') or a lifetime ('a, 'static).
                if at(i + 1) == b'\\' {
                    i = quoted(b, i, b'\'');
                    Kind::Str
                } else {
                    let ch_len = src[i + 1..].chars().next().map_or(1, char::len_utf8);
                    if at(i + 1 + ch_len) == b'\'' {
                        i += ch_len + 2;
                        Kind::Str
                    } else {
                        i += 1;
                        while i < b.len() && is_ident(b[i]) {
                            i += 1;
                        }
                        Kind::Lifetime
                    }
                }
            }
            b'`' if lang == Lang::TypeScript => {
                i = template(b, i);
                Kind::Str
            }
            b'/' if lang == Lang::TypeScript && !toks.last().is_some_and(|t| operand_end(syn, src, t)) => {
                i = regex(b, i);
                Kind::Str
            }
            b'0'..=b'9' => {
                let after_dot = toks.last().is_some_and(|t| &src[t.start..t.end] == ".");
                let (end, decimal) = number(b, i, after_dot);
                i = end;
                if decimal { Kind::Int } else { Kind::Num }
            }
            b'#' if lang == Lang::TypeScript && is_ident_start(at(i + 1)) => {
                i += 1;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                Kind::Ident
            }
            b'$' if lang == Lang::TypeScript => {
                while i < b.len() && (is_ident(b[i]) || b[i] == b'$') {
                    i += 1;
                }
                Kind::Ident
            }
            c if is_ident_start(c) => {
                while i < b.len() && (is_ident(b[i]) || (lang == Lang::TypeScript && b[i] == b'$')) {
                    i += 1;
                }
                Kind::Ident
            }
            _ => {
                let p = syn.puncts.iter().find(|p| src[i..].starts_with(**p));
                i += p.map_or(1, |p| p.len());
                // Keep a multi-byte character whole.
                while !src.is_char_boundary(i) {
                    i += 1;
                }
                Kind::Punct
            }
        };
        toks.push(Tok { kind, start, end: i.min(b.len()), ws_before: ws });
        ws = false;
    }
    toks
}

/// The end of a Rust raw or byte string (or byte char) starting at `i`, if one does.
fn raw_or_byte_string(b: &[u8], mut i: usize) -> Option<usize> {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    if b[i] == b'b' {
        i += 1;
        match at(i) {
            b'"' => return Some(quoted(b, i, b'"')),
            b'\'' => return Some(quoted(b, i, b'\'')),
            b'r' => {}
            _ => return None,
        }
    }
    // r, then #s, then "
    i += 1;
    let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
    i += hashes;
    if at(i) != b'"' {
        return None;
    }
    i += 1;
    while i < b.len() {
        if b[i] == b'"' && b[i + 1..].iter().take(hashes).filter(|&&c| c == b'#').count() == hashes {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    Some(b.len())
}

/// The end of a literal quoted by `q` starting at `i`, with backslash escapes.
fn quoted(b: &[u8], mut i: usize, q: u8) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The end of a TypeScript template literal, `${...}` included.
fn template(b: &[u8], mut i: usize) -> usize {
    i += 1;
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'`' if depth == 0 => return i + 1,
            b'$' if b.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'{' if depth > 0 => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b'\'' | b'"' if depth > 0 => i = quoted(b, i, b[i]) - 1,
            b'`' => i = template(b, i) - 1,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// The end of a TypeScript regex literal.
fn regex(b: &[u8], mut i: usize) -> usize {
    i += 1;
    let mut class = false;
    while i < b.len() && b[i] != b'\n' {
        match b[i] {
            b'\\' => i += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                i += 1;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                return i;
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// The end of a number at `i`, and whether it is a plain decimal integer.
fn number(b: &[u8], mut i: usize, after_dot: bool) -> (usize, bool) {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    if after_dot {
        // A tuple field (`t.0`): digits only, so `t.0.1` stays two fields.
        while at(i).is_ascii_digit() {
            i += 1;
        }
        return (i, false);
    }
    if b[i] == b'0' && matches!(at(i + 1), b'x' | b'o' | b'b' | b'X' | b'O' | b'B') {
        i += 2;
        while is_ident(at(i)) {
            i += 1;
        }
        return (i, false);
    }
    let mut decimal = true;
    while at(i).is_ascii_digit() || at(i) == b'_' {
        i += 1;
    }
    if at(i) == b'.' && at(i + 1).is_ascii_digit() {
        decimal = false;
        i += 1;
        while at(i).is_ascii_digit() || at(i) == b'_' {
            i += 1;
        }
    }
    if matches!(at(i), b'e' | b'E') && (at(i + 1).is_ascii_digit() || matches!(at(i + 1), b'+' | b'-')) {
        decimal = false;
        i += 2;
        while at(i).is_ascii_digit() || at(i) == b'_' {
            i += 1;
        }
    }
    let suffix = i;
    while is_ident(at(i)) {
        i += 1;
    }
    if matches!(at(suffix), b'f' | b'F') {
        decimal = false;
    }
    (i, decimal)
}

/// Whether `t` can end an operand, so that an operator after it is binary.
fn operand_end(syn: &Syntax, src: &str, t: &Tok) -> bool {
    let text = &src[t.start..t.end];
    match t.kind {
        Kind::Ident => !syn.keywords.contains(&text),
        Kind::Int | Kind::Num | Kind::Str => true,
        Kind::Lifetime => false,
        Kind::Punct => matches!(text, ")" | "]" | "?"),
    }
}

// ---------------------------------------------------------------------------
// The operators
// ---------------------------------------------------------------------------

const NONE: usize = usize::MAX;

struct Edit {
    operator: &'static str,
    span: Range<usize>,
    replacement: String,
    /// Set when the resulting line would not name the mutant well.
    key: Option<String>,
}

struct Cx<'a> {
    lang: Lang,
    syn: &'static Syntax,
    src: &'a str,
    toks: Vec<Tok>,
    /// For an opening or closing bracket, the index of its partner.
    partner: Vec<usize>,
    /// The index of the innermost open bracket around each token.
    parent: Vec<usize>,
    /// Tokens no operator touches (attributes, test code, macro definitions, type declarations).
    skip: Vec<bool>,
    /// Braces that open a class body (TypeScript).
    class_body: Vec<bool>,
}

impl<'a> Cx<'a> {
    fn new(lang: Lang, src: &'a str, toks: Vec<Tok>) -> Cx<'a> {
        let n = toks.len();
        let mut cx = Cx {
            lang,
            syn: syntax(lang),
            src,
            toks,
            partner: vec![NONE; n],
            parent: vec![NONE; n],
            skip: vec![false; n],
            class_body: vec![false; n],
        };
        let mut stack: Vec<usize> = Vec::new();
        for i in 0..n {
            cx.parent[i] = stack.last().copied().unwrap_or(NONE);
            match cx.text(i) {
                "(" | "[" | "{" => stack.push(i),
                ")" | "]" | "}" => {
                    let want = match cx.text(i) {
                        ")" => "(",
                        "]" => "[",
                        _ => "{",
                    };
                    if let Some(pos) = stack.iter().rposition(|&o| cx.text(o) == want) {
                        let open = stack[pos];
                        stack.truncate(pos);
                        cx.partner[open] = i;
                        cx.partner[i] = open;
                        cx.parent[i] = stack.last().copied().unwrap_or(NONE);
                    }
                }
                _ => {}
            }
        }
        cx.mark_skipped();
        cx
    }

    fn text(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| &self.src[t.start..t.end])
    }

    fn is(&self, i: usize, text: &str) -> bool {
        i < self.toks.len() && self.text(i) == text
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    fn ws_after(&self, i: usize) -> bool {
        self.toks.get(i + 1).is_none_or(|t| t.ws_before)
    }

    fn operand_end(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| operand_end(self.syn, self.src, t))
    }

    /// A binary operator: spaced on both sides, after an operand.
    fn binary(&self, i: usize) -> bool {
        i > 0 && self.toks[i].ws_before && self.ws_after(i) && self.operand_end(i - 1)
    }

    fn skip_range(&mut self, from: usize, to: usize) {
        for s in &mut self.skip[from..=to.min(self.toks.len() - 1)] {
            *s = true;
        }
    }

    /// The end of the item starting at `i`: its `{...}` block or its `;`.
    fn item_end(&self, mut i: usize) -> usize {
        let level = self.parent.get(i).copied().unwrap_or(NONE);
        while i < self.toks.len() {
            if self.parent[i] == level {
                if self.is(i, ";") {
                    return i;
                }
                if self.is(i, "{") && self.partner[i] != NONE {
                    return self.partner[i];
                }
            }
            i += 1;
        }
        self.toks.len().saturating_sub(1)
    }

    fn mark_skipped(&mut self) {
        let n = self.toks.len();
        let mut i = 0;
        while i < n {
            match self.lang {
                Lang::Rust => {
                    // #[...] and #![...]; #[cfg(test)] and #[test] take their item along.
                    if self.is(i, "#") {
                        let open = if self.is(i + 1, "!") { i + 2 } else { i + 1 };
                        if self.is(open, "[") && self.partner[open] != NONE {
                            let close = self.partner[open];
                            let inner: Vec<&str> = (open + 1..close).map(|k| self.text(k)).collect();
                            let test = inner == ["test"] || inner == ["cfg", "(", "test", ")"];
                            self.skip_range(i, close);
                            if test && open == i + 1 {
                                let end = self.item_end(close + 1);
                                self.skip_range(close + 1, end);
                                i = end + 1;
                            } else {
                                i = close + 1;
                            }
                            continue;
                        }
                    }
                    // Macro definitions, debug assertions (off in the optimized
                    // build) and item-level macro calls, which generate code
                    // rather than compute.
                    let skipped_macro =
                        matches!(self.text(i), "macro_rules" | "debug_assert" | "debug_assert_eq" | "debug_assert_ne")
                            || self.item_level(i);
                    if self.kind(i) == Some(Kind::Ident) && self.is(i + 1, "!") && skipped_macro {
                        let end = self.item_end(i + 2);
                        let open = (i + 2..n).find(|&k| matches!(self.text(k), "{" | "(" | "["));
                        let end = open.map_or(end, |o| self.partner[o]).min(n - 1);
                        let end = if self.is(end + 1, ";") { end + 1 } else { end };
                        self.skip_range(i, end);
                        i = end + 1;
                        continue;
                    }
                }
                Lang::TypeScript => {
                    let starts = i == 0 || matches!(self.text(i - 1), ";" | "{" | "}") || self.is(i - 1, "export");
                    let word = self.text(i);
                    if starts && matches!(word, "interface" | "import" | "declare")
                        || starts && word == "type" && self.kind(i + 1) == Some(Kind::Ident)
                    {
                        let end = self.item_end(i);
                        self.skip_range(i, end);
                        i = end + 1;
                        continue;
                    }
                    if word == "class" {
                        let mut k = i + 1;
                        while k < n && !self.is(k, "{") && !self.is(k, ";") {
                            k += 1;
                        }
                        if self.is(k, "{") {
                            self.class_body[k] = true;
                        }
                    }
                }
            }
            i += 1;
        }
    }

    /// Whether token `i` sits where items go (the top level, or a `mod`, `impl`
    /// or `trait` body), not inside a function.
    fn item_level(&self, i: usize) -> bool {
        let open = self.parent[i];
        if open == NONE {
            return true;
        }
        if !self.is(open, "{") {
            return false;
        }
        let mut k = open;
        while k > 0 {
            k -= 1;
            if self.parent[k] != self.parent[open] {
                continue;
            }
            match self.text(k) {
                ";" | "}" | "{" => return false,
                "fn" => return false,
                "impl" | "mod" | "trait" => return true,
                _ => {}
            }
        }
        false
    }

    /// Whether the `Some(...)` at `i` is a pattern (`let Some(x) =`, `(Some(a), b) =>`).
    fn in_pattern(&self, i: usize) -> bool {
        let (mut open, mut close) = (i, self.partner[i + 1]);
        loop {
            if open > 0 && self.is(open - 1, "let") {
                return true;
            }
            match self.text(close + 1) {
                "=" | "=>" | "|" | "if" | "@" => return true,
                "," | ")" | "]" => {
                    let p = self.parent[open];
                    if p == NONE || !matches!(self.text(p), "(" | "[") || self.partner[p] == NONE {
                        return false;
                    }
                    // Inside a tuple, slice or tuple-struct pattern, or a call's arguments:
                    // what follows the enclosing bracket decides.
                    (open, close) = (p, self.partner[p]);
                }
                _ => return false,
            }
        }
    }

    fn edit(&self, out: &mut Vec<Edit>, operator: &'static str, span: Range<usize>, replacement: &str) {
        out.push(Edit { operator, span, replacement: replacement.to_string(), key: None });
    }

    /// The operators that rewrite one token (or a short run of tokens) at `i`.
    fn token_mutants(&self, i: usize, out: &mut Vec<Edit>) {
        let t = self.toks[i];
        let text = self.text(i);
        let span = t.start..t.end;
        let rust = self.lang == Lang::Rust;
        match t.kind {
            Kind::Punct => {
                let swap = |pairs: &[(&str, &'static str)]| pairs.iter().find(|(a, _)| *a == text).map(|(_, b)| *b);
                if let Some(to) = swap(&[("<", "<="), ("<=", "<"), (">", ">="), (">=", ">")])
                    && self.binary(i)
                {
                    self.edit(out, "relational", span.clone(), to);
                }
                if let Some(to) = swap(self.syn.equality) {
                    self.edit(out, "equality", span.clone(), to);
                }
                if let Some(to) = swap(&[("&&", "||"), ("||", "&&")])
                    && self.binary(i)
                {
                    self.edit(out, "logical", span.clone(), to);
                }
                if text == "!" && !self.operand_end(i.wrapping_sub(1)) && i + 1 < self.toks.len() {
                    self.edit(out, "negation", span.clone(), "");
                }
                if let Some(to) = swap(&[("+", "-"), ("-", "+"), ("*", "/"), ("/", "*")])
                    && self.binary(i)
                    && !self.looks_like_bound_or_text(i)
                {
                    self.edit(out, "arithmetic", span.clone(), to);
                    if matches!(text, "+" | "-") && self.kind(i + 1) == Some(Kind::Int) && self.whole_operand(i + 1) {
                        let from = self.toks[i - 1].end;
                        self.edit(out, "offset", from..self.toks[i + 1].end, "");
                    }
                }
                if let Some(to) = swap(&[("+=", "-="), ("-=", "+="), ("*=", "/="), ("/=", "*=")])
                    && self.kind(i + 1) != Some(Kind::Str)
                {
                    self.edit(out, "arithmetic", span.clone(), to);
                }
                if !rust && let Some(to) = swap(&[("++", "--"), ("--", "++")]) {
                    self.edit(out, "arithmetic", span, to);
                }
            }
            Kind::Int => {
                if i > 0 && self.is(i - 1, ".") {
                    return;
                }
                let digits_end = text.find(|c: char| !(c.is_ascii_digit() || c == '_')).unwrap_or(text.len());
                let (digits, suffix) = text.split_at(digits_end);
                if let Ok(n) = digits.replace('_', "").parse::<u128>()
                    && let Some(m) = n.checked_add(1)
                {
                    self.edit(out, "constant", span, &format!("{m}{suffix}"));
                }
            }
            Kind::Ident => match text {
                "true" => self.edit(out, "boolean", span, "false"),
                "false" => self.edit(out, "boolean", span, "true"),
                "break" | "continue" => {
                    let next = if self.kind(i + 1) == Some(Kind::Lifetime)
                        || (!rust && self.kind(i + 1) == Some(Kind::Ident))
                    {
                        i + 2
                    } else {
                        i + 1
                    };
                    if i + 1 >= self.toks.len() || matches!(self.text(next), ";" | "}" | "," | "") {
                        self.edit(out, "loop-control", span, if text == "break" { "continue" } else { "break" });
                    }
                }
                "min" | "max" if i > 0 && matches!(self.text(i - 1), "." | "::") && self.is(i + 1, "(") => {
                    self.edit(out, "min-max", span, if text == "min" { "max" } else { "min" });
                }
                "Some" if rust && self.is(i + 1, "(") && self.partner[i + 1] != NONE => {
                    let close = self.partner[i + 1];
                    if !self.in_pattern(i) {
                        self.edit(out, "none", t.start..self.toks[close].end, "None");
                    }
                }
                "return" if !rust => {
                    if let Some(last) = self.expression_end(i + 1) {
                        let expr = &self.src[self.toks[i + 1].start..self.toks[last].end];
                        if !matches!(expr, "undefined" | "null") && !expr.starts_with("undefined as") {
                            self.edit(out, "undefined", self.toks[i + 1].start..self.toks[last].end, "undefined");
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }

    /// `+` in a trait bound (`Clone + Send`, `'a + Sized`) or joining text: not arithmetic.
    fn looks_like_bound_or_text(&self, i: usize) -> bool {
        let camel = |k: usize| {
            let s = self.text(k);
            self.kind(k) == Some(Kind::Ident)
                && s.starts_with(|c: char| c.is_ascii_uppercase())
                && s.chars().any(|c| c.is_ascii_lowercase())
        };
        let odd = |k: usize| matches!(self.kind(k), Some(Kind::Str | Kind::Lifetime)) || self.is(k, "?");
        let neighbours = [i - 1, i + 1];
        neighbours.iter().any(|&k| odd(k)) || (self.lang == Lang::Rust && neighbours.iter().any(|&k| camel(k)))
    }

    /// Whether the literal at `k` is the whole right operand (`x + 1`, not `x + 1 * y`).
    fn whole_operand(&self, k: usize) -> bool {
        !matches!(self.text(k + 1), "*" | "/" | "%" | "." | "(" | "[" | "**" | "as")
    }

    /// The last token of the expression starting at `i`, when a `;` at its level ends it.
    fn expression_end(&self, i: usize) -> Option<usize> {
        let mut k = i;
        while k < self.toks.len() {
            match self.text(k) {
                ";" => return (k > i).then(|| k - 1),
                ")" | "]" | "}" => return None,
                "(" | "[" | "{" if self.partner[k] != NONE => k = self.partner[k] + 1,
                _ => k += 1,
            }
        }
        None
    }

    /// Where the statement ending with the `;` at `end` starts.
    fn statement_start(&self, end: usize) -> usize {
        let open = self.parent[end];
        let mut k = end;
        while k > 0 && k - 1 != open {
            let prev = k - 1;
            if self.is(prev, ";") {
                break;
            }
            if self.is(prev, "}") && self.partner[prev] != NONE {
                // A block ends the statement before unless the expression goes on after it.
                let continues = matches!(self.text(k), "." | "?" | ";" | ")" | "," | "else" | "as") || self.binary(k);
                if !continues {
                    break;
                }
                k = self.partner[prev];
                continue;
            }
            k = if matches!(self.text(prev), ")" | "]") && self.partner[prev] != NONE {
                self.partner[prev]
            } else {
                prev
            };
        }
        k
    }

    /// Deletes each statement that is a call or an assignment.
    fn statement_deletions(&self, out: &mut Vec<Edit>) {
        const ASSIGN: &[&str] = &[
            "=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=", "<<=", ">>=", "??=", "||=", "&&=", "**=", "++", "--",
        ];
        for end in 0..self.toks.len() {
            if !self.is(end, ";") || self.skip[end] {
                continue;
            }
            let open = self.parent[end];
            if open == NONE || !self.is(open, "{") || self.class_body[open] {
                continue;
            }
            let start = self.statement_start(end);
            if start >= end || self.skip[start] {
                continue;
            }
            let first = self.text(start);
            let starts_well = (self.kind(start) == Some(Kind::Ident) && !self.syn.keep_statements.contains(&first))
                || matches!(first, "*" | "++" | "--");
            let is_macro = self.lang == Lang::Rust && self.is(start + 1, "!");
            if !starts_well || is_macro {
                continue;
            }
            let mut effect = false;
            for k in start..end {
                if (self.parent[k] == open && ASSIGN.contains(&self.text(k))) || self.is(k, "(") || self.is(k, "delete")
                {
                    effect = true;
                }
            }
            if !effect {
                continue;
            }
            let (from, to) = (self.toks[start].start, self.toks[end].end);
            let line_start = self.src[..from].rfind('\n').map_or(0, |p| p + 1);
            let line_end = self.src[to..].find('\n').map_or(self.src.len(), |p| to + p + 1);
            let whole_lines = self.src[line_start..from].trim().is_empty() && self.src[to..line_end].trim().is_empty();
            let span = if whole_lines { line_start..line_end } else { from..to };
            let statement: Vec<&str> = self.src[from..to].split_whitespace().collect();
            out.push(Edit {
                operator: "delete-statement",
                span,
                replacement: String::new(),
                key: Some(format!("delete {}", shorten(&statement.join(" ")))),
            });
        }
    }

    /// Replaces each function body with a default value of its return type.
    fn default_bodies(&self, out: &mut Vec<Edit>) {
        for i in 0..self.toks.len() {
            if self.skip[i] {
                continue;
            }
            let found = match self.lang {
                Lang::Rust => self.rust_fn(i),
                Lang::TypeScript => self.ts_fn(i),
            };
            let Some((name, body, values)) = found else { continue };
            let close = self.partner[body];
            let inner: Vec<&str> = self.src[self.toks[body].end..self.toks[close].start].split_whitespace().collect();
            let inner = inner.join(" ");
            for value in values {
                let new_body = match self.lang {
                    Lang::Rust if value == "()" => "{}".to_string(),
                    Lang::Rust => format!("{{ {value} }}"),
                    Lang::TypeScript => format!("{{ return {value}; }}"),
                };
                // `StateCache::default()` and `Default::default()` are the same value.
                let same_default =
                    value == "Default::default()" && inner.ends_with("::default()") && !inner.contains(' ');
                let unchanged = inner == value
                    || same_default
                    || (value == "()" && inner.is_empty())
                    || inner == format!("return {value};");
                if unchanged {
                    continue;
                }
                out.push(Edit {
                    operator: "default-body",
                    span: self.toks[body].start..self.toks[close].end,
                    replacement: new_body,
                    key: Some(format!("fn {name} -> {value}")),
                });
            }
        }
    }

    /// A Rust `fn` at `i`: its name, the index of its body's `{`, and the values to return.
    fn rust_fn(&self, i: usize) -> Option<(String, usize, Vec<&'static str>)> {
        if !self.is(i, "fn") || self.kind(i + 1) != Some(Kind::Ident) {
            return None;
        }
        if i > 0 && matches!(self.text(i - 1), "async" | "unsafe" | "extern") {
            return None;
        }
        let name = self.text(i + 1).to_string();
        let mut k = i + 2;
        if self.is(k, "<") {
            let mut depth = 0i32;
            while k < self.toks.len() {
                match self.text(k) {
                    "<" => depth += 1,
                    ">" => depth -= 1,
                    ">>" => depth -= 2,
                    _ => {}
                }
                k += 1;
                if depth <= 0 {
                    break;
                }
            }
        }
        if !self.is(k, "(") || self.partner[k] == NONE {
            return None;
        }
        k = self.partner[k] + 1;
        let ret_start = if self.is(k, "->") { Some(k + 1) } else { None };
        let level = self.parent[i];
        let mut body = k;
        while body < self.toks.len() && !(self.parent[body] == level && matches!(self.text(body), "{" | ";")) {
            body += 1;
        }
        if !self.is(body, "{") || self.partner[body] == NONE {
            return None;
        }
        let ret_end = (k..body).find(|&j| self.is(j, "where")).unwrap_or(body);
        let ret: String = match ret_start {
            Some(s) => (s..ret_end).map(|j| self.text(j)).collect::<Vec<_>>().join(" "),
            None => "()".to_string(),
        };
        let values = rust_defaults(&ret);
        (!values.is_empty()).then_some((name, body, values))
    }

    /// A TypeScript function, method or named arrow function at `i` (its name token).
    fn ts_fn(&self, i: usize) -> Option<(String, usize, Vec<&'static str>)> {
        let n = self.toks.len();
        let undefined = vec!["undefined as any"];
        // function name<T>(...): T {   /   name(...): T {  (method)
        let method_like = |name_at: usize| -> Option<usize> {
            let mut k = name_at + 1;
            if self.is(k, "?") {
                k += 1;
            }
            if self.is(k, "<") {
                while k < n && !self.is(k, "(") {
                    k += 1;
                }
            }
            if !self.is(k, "(") || self.partner[k] == NONE {
                return None;
            }
            self.ts_body_after(self.partner[k] + 1)
        };
        if self.is(i, "function") {
            let name_at = if self.kind(i + 1) == Some(Kind::Ident) { i + 1 } else { i };
            if self.is(i + 1, "*") {
                return None;
            }
            let body = method_like(name_at)?;
            let name = if name_at == i { "<anonymous>".to_string() } else { self.text(name_at).to_string() };
            return Some((name, body, undefined));
        }
        if self.kind(i) == Some(Kind::Ident) && !self.syn.keywords.contains(&self.text(i)) && i > 0 {
            let word = self.text(i);
            let prev = self.text(i - 1);
            let member_start = matches!(prev, "{" | "}" | ";" | ",")
                || matches!(
                    prev,
                    "async" | "static" | "public" | "private" | "protected" | "override" | "get" | "set" | "readonly"
                );
            let parent = self.parent[i];
            let in_object_or_class = parent != NONE && self.is(parent, "{");
            if member_start
                && in_object_or_class
                && word != "constructor"
                && (!matches!(word, "get" | "set" | "async" | "static") || self.is(i + 1, "("))
                && let Some(body) = method_like(i)
            {
                return Some((word.to_string(), body, undefined));
            }
            // name = (...) => {   /   name: (...) => {
            if matches!(self.text(i + 1), "=" | ":") {
                let mut k = i + 2;
                if self.is(k, "async") {
                    k += 1;
                }
                let after_params = if self.is(k, "(") && self.partner[k] != NONE {
                    self.partner[k] + 1
                } else if self.kind(k) == Some(Kind::Ident) {
                    k + 1
                } else {
                    return None;
                };
                let mut a = after_params;
                if self.is(a, ":") {
                    while a < n && !self.is(a, "=>") && !self.is(a, ";") && self.parent[a] == parent {
                        a += 1;
                    }
                }
                if self.is(a, "=>") && self.is(a + 1, "{") && self.partner[a + 1] != NONE {
                    return Some((word.to_string(), a + 1, undefined));
                }
            }
        }
        None
    }

    /// The body `{` after a parameter list ending before `k`, past an optional `: Type`.
    fn ts_body_after(&self, mut k: usize) -> Option<usize> {
        if self.is(k, ":") {
            k += 1;
            while k < self.toks.len() {
                if self.is(k, "{") {
                    let prev = self.text(k - 1);
                    // `{` right after `:`, `|`, `&`, `<`, `,`, `(` or `=>` opens an object type.
                    if !matches!(prev, ":" | "|" | "&" | "<" | "," | "(" | "=>") {
                        break;
                    }
                }
                if matches!(self.text(k), ";" | "=>" | "=") {
                    return None;
                }
                if matches!(self.text(k), "(" | "[" | "{") && self.partner[k] != NONE {
                    k = self.partner[k];
                }
                k += 1;
            }
        }
        (self.is(k, "{") && self.partner[k] != NONE).then_some(k)
    }
}

/// What a Rust function returning `ret` (tokens joined by spaces) can cheaply return instead.
fn rust_defaults(ret: &str) -> Vec<&'static str> {
    let ret = ret.trim();
    let compact: String = ret.split_whitespace().collect();
    let base = compact.split('<').next().unwrap_or("");
    let last = base.rsplit("::").next().unwrap_or(base);
    match last {
        "()" => vec!["()"],
        "bool" => vec!["true", "false"],
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => {
            vec!["0", "1"]
        }
        "f32" | "f64" => vec!["0.0", "1.0"],
        "String" => vec!["String::new()", "\"xyzzy\".into()"],
        "&str" | "&'staticstr" => vec!["\"\"", "\"xyzzy\""],
        "Option" => vec!["None"],
        "Vec" => vec!["vec![]"],
        "Result" if compact.starts_with("Result<()") || compact.ends_with("::Result") || compact == "Result" => {
            vec!["Ok(())"]
        }
        "Result" => vec!["Ok(Default::default())"],
        _ if compact.starts_with("implIterator") => vec!["std::iter::empty()"],
        _ if compact.starts_with('&') && compact.ends_with("str") && !compact.contains('<') => {
            vec!["\"\"", "\"xyzzy\""]
        }
        _ if compact.starts_with('&')
            || compact.starts_with("impl")
            || compact.starts_with("dyn")
            || compact == "!" =>
        {
            vec![]
        }
        _ => vec!["Default::default()"],
    }
}

/// A long statement, cut to a key of reasonable length.
fn shorten(text: &str) -> String {
    const MAX: usize = 100;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_string(),
    }
}

/// Turns an edit into a mutant: location, key and diff.
fn finish(file: &str, src: &str, e: Edit) -> Mutant {
    let line_start = src[..e.span.start].rfind('\n').map_or(0, |p| p + 1);
    let line = src[..e.span.start].matches('\n').count() + 1;
    let indent =
        if e.span.start == line_start { src[line_start..].len() - src[line_start..].trim_start().len() } else { 0 };
    let column = src[line_start..e.span.start + indent].chars().count() + 1;
    // The original lines the edit touches, and what they become.
    let end_for_lines =
        if e.span.end > e.span.start && src[..e.span.end].ends_with('\n') { e.span.end - 1 } else { e.span.end };
    let line_end = src[end_for_lines..].find('\n').map_or(src.len(), |p| end_for_lines + p);
    let old = &src[line_start..line_end];
    let whole_line_deletion =
        e.replacement.is_empty() && e.span.start == line_start && src[..e.span.end].ends_with('\n');
    let new = if whole_line_deletion {
        String::new()
    } else {
        format!("{}{}{}", &src[line_start..e.span.start], e.replacement, &src[e.span.end..line_end])
    };
    let key = e.key.unwrap_or_else(|| new.trim().to_string());
    let diff = unified_diff(file, src, line, old, &new, whole_line_deletion);
    Mutant {
        file: file.to_string(),
        line,
        column,
        operator: e.operator,
        key,
        span: e.span,
        replacement: e.replacement,
        diff,
    }
}

/// A unified diff replacing the lines `old` (starting at `line`) with `new`, with two lines of context.
fn unified_diff(file: &str, src: &str, line: usize, old: &str, new: &str, deleted: bool) -> String {
    const CONTEXT: usize = 2;
    let lines: Vec<&str> = src.lines().collect();
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = if deleted { Vec::new() } else { new.split('\n').collect() };
    let first = line.saturating_sub(CONTEXT).max(1);
    let before = &lines[first - 1..line - 1];
    let after_start = (line - 1 + old_lines.len()).min(lines.len());
    let after = &lines[after_start..(after_start + CONTEXT).min(lines.len())];
    let mut out = format!("--- {file}\n+++ {file}\n");
    out.push_str(&format!(
        "@@ -{first},{} +{first},{} @@\n",
        before.len() + old_lines.len() + after.len(),
        before.len() + new_lines.len() + after.len()
    ));
    for l in before {
        out.push_str(&format!(" {l}\n"));
    }
    for l in &old_lines {
        out.push_str(&format!("-{l}\n"));
    }
    for l in &new_lines {
        out.push_str(&format!("+{l}\n"));
    }
    for l in after {
        out.push_str(&format!(" {l}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(lang: Lang, src: &str) -> Vec<(&'static str, String)> {
        generate(lang, "f", src).into_iter().map(|m| (m.operator, m.key)).collect()
    }

    fn has(lang: Lang, src: &str, operator: &str, key: &str) -> bool {
        found(lang, src).iter().any(|(o, k)| *o == operator && k == key)
    }

    fn rust(src: &str) -> Vec<(&'static str, String)> {
        found(Lang::Rust, src)
    }

    fn of(list: &[(&'static str, String)], operator: &str) -> Vec<String> {
        list.iter().filter(|(o, _)| *o == operator).map(|(_, k)| k.clone()).collect()
    }

    #[test]
    fn relational_operators_flip_at_the_boundary_but_generics_stay() {
        let m = rust(
            "fn f(v: Vec<u8>, a: u8) -> Option<Vec<u8>> {\n    if a < 3 && v.len() >= 2 { None } else { None }\n}\n",
        );
        assert_eq!(
            of(&m, "relational"),
            ["if a <= 3 && v.len() >= 2 { None } else { None }", "if a < 3 && v.len() > 2 { None } else { None }"]
        );
        assert_eq!(of(&m, "logical"), ["if a < 3 || v.len() >= 2 { None } else { None }"]);
    }

    #[test]
    fn equality_logical_and_negation() {
        let src = "fn f(a: u8, b: bool) -> bool {\n    !b || a == 1 && a != 2\n}\n";
        let m = rust(src);
        assert_eq!(of(&m, "equality"), ["!b || a != 1 && a != 2", "!b || a == 1 && a == 2"]);
        assert_eq!(of(&m, "logical"), ["!b && a == 1 && a != 2", "!b || a == 1 || a != 2"]);
        assert_eq!(of(&m, "negation"), ["b || a == 1 && a != 2"]);
        // A macro's `!` and `!=` are not negations.
        assert!(of(&rust("fn f() { let v = vec![1]; }\n"), "negation").is_empty());
        let ts = found(Lang::TypeScript, "function f(a: number): boolean {\n  return a === 1 || a !== 2;\n}\n");
        assert_eq!(of(&ts, "equality"), ["return a !== 1 || a !== 2;", "return a === 1 || a === 2;"]);
    }

    #[test]
    fn arithmetic_offsets_and_constants() {
        let m = rust("fn f(a: usize) -> usize {\n    let mut n = a * 2 + 1;\n    n -= 1;\n    n\n}\n");
        assert_eq!(of(&m, "arithmetic"), ["let mut n = a / 2 + 1;", "let mut n = a * 2 - 1;", "n += 1;"]);
        assert_eq!(of(&m, "offset"), ["let mut n = a * 2;"]);
        assert_eq!(of(&m, "constant"), ["let mut n = a * 3 + 1;", "let mut n = a * 2 + 2;", "n -= 2;"]);
        // Not arithmetic: unary minus, deref, pointers, trait bounds, globs.
        let m = rust("use a::*;\nfn f<T: Clone + Send>(x: &i64) -> i64 where T: 'static + Sized {\n    -*x\n}\n");
        assert!(of(&m, "arithmetic").is_empty(), "{m:?}");
        // Suffixes stay; floats, hex and tuple fields are left alone.
        let m = rust("fn f(t: (u8, u8)) -> u64 {\n    let _ = (1.5, 0xff, t.0);\n    10u64\n}\n");
        assert_eq!(of(&m, "constant"), ["11u64"]);
        let ts =
            found(Lang::TypeScript, "function f(a: number, b: string): number {\n  a++;\n  return a + b.length;\n}\n");
        assert_eq!(of(&ts, "arithmetic"), ["a--;", "return a - b.length;"]);
        // Joining text is not arithmetic.
        assert!(!has(Lang::TypeScript, "const s = 'n: ' + n;\n", "arithmetic", "const s = 'n: ' - n;"));
    }

    #[test]
    fn booleans_loops_min_max_and_none() {
        let src = "fn f(v: &[u8]) -> Option<u8> {\n    let mut best = 0;\n    for x in v {\n        if *x == 0 { continue; }\n        if *x > 9 { break; }\n        best = best.max(*x);\n    }\n    let flag = true;\n    if let Some(b) = v.first() { return Some(*b); }\n    match v.last() { Some(_) => None, None => Some(best.min(1)) }\n}\n";
        let m = rust(src);
        assert_eq!(of(&m, "boolean"), ["let flag = false;"]);
        assert_eq!(of(&m, "loop-control"), ["if *x == 0 { break; }", "if *x > 9 { continue; }"]);
        assert_eq!(
            of(&m, "min-max"),
            ["best = best.min(*x);", "match v.last() { Some(_) => None, None => Some(best.max(1)) }"]
        );
        // Patterns (`if let Some(b) =`, `Some(_) =>`, `(Some(a), Some(b)) =>`) are not mutated.
        assert_eq!(
            of(&m, "none"),
            ["if let Some(b) = v.first() { return None; }", "match v.last() { Some(_) => None, None => None }"]
        );
        let m = rust(
            "fn f(a: Option<u8>) -> Option<u8> {\n    match (a, g(Some(1))) {\n        (Some(x), Some(y)) => Some(x),\n        _ => h(a).map(|v| Some(v)),\n    }\n}\n",
        );
        assert_eq!(of(&m, "none"), ["match (a, g(None)) {", "(Some(x), Some(y)) => None,", "_ => h(a).map(|v| None),"]);
    }

    #[test]
    fn statements_that_call_or_assign_are_deleted() {
        let src = "fn f(v: &mut Vec<u8>, s: &mut S) -> Result<(), E> {\n    let n = v.len();\n    v.push(1);\n    s.count += n;\n    s.items\n        .entry(1)\n        .or_default();\n    check(v)?;\n    assert!(n > 0);\n    Ok(())\n}\n";
        let m = generate(Lang::Rust, "src/x", src);
        let deleted: Vec<&Mutant> = m.iter().filter(|m| m.operator == "delete-statement").collect();
        let keys: Vec<&str> = deleted.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "delete v.push(1);",
                "delete s.count += n;",
                "delete s.items .entry(1) .or_default();",
                "delete check(v)?;"
            ]
        );
        // Whole lines go, and the diff shows them.
        let chain = deleted[2];
        assert_eq!(chain.line, 5);
        assert!(!chain.apply(src).contains("or_default"));
        assert!(chain.apply(src).contains("    s.count += n;\n    check(v)?;\n"));
        assert!(chain.diff.contains("-    s.items\n-        .entry(1)\n-        .or_default();\n"), "{}", chain.diff);
        let ts = found(
            Lang::TypeScript,
            "class A {\n  private n = 0;\n  add(x: number): void {\n    this.n += x;\n    delete this.m[x];\n  }\n}\n",
        );
        assert_eq!(of(&ts, "delete-statement"), ["delete this.n += x;", "delete delete this.m[x];"]);
    }

    #[test]
    fn function_bodies_become_defaults() {
        let src = "impl S {\n    pub fn len(&self) -> usize {\n        self.v.len()\n    }\n    fn name<'a>(&'a self) -> &'a str {\n        &self.n\n    }\n    fn find(&self) -> Option<&Post> {\n        self.p.first()\n    }\n    fn apply(&mut self) {\n        self.n = 1;\n    }\n    fn add(s: &S) -> Result<S, E> {\n        Ok(s.clone())\n    }\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {\n        f.write_str(\"x\")\n    }\n    fn borrow(&self) -> &Post {\n        &self.p\n    }\n    fn zero(&self) -> u8 { 0 }\n    fn new() -> Self {\n        Self::default()\n    }\n}\ntrait T { fn decl(&self) -> bool; }\n";
        let m = rust(src);
        assert_eq!(
            of(&m, "default-body"),
            [
                "fn len -> 0",
                "fn len -> 1",
                "fn name -> \"\"",
                "fn name -> \"xyzzy\"",
                "fn find -> None",
                "fn apply -> ()",
                "fn add -> Ok(Default::default())",
                "fn fmt -> Ok(())",
                "fn zero -> 1",
            ]
        );
        let body = generate(Lang::Rust, "f", src).into_iter().find(|m| m.key == "fn find -> None").unwrap();
        assert!(body.apply(src).contains("fn find(&self) -> Option<&Post> { None }\n    fn apply"));
        let ts = "export function f(a: number): { x: number } {\n  return { x: a };\n}\nclass C {\n  get total(): number {\n    return 1;\n  }\n  get(k: K): V | undefined {\n    return this.m.get(k);\n  }\n  constructor() {\n    this.a = 1;\n  }\n}\nconst g = (s: S) => {\n  s.x = 1;\n};\n";
        let m = found(Lang::TypeScript, ts);
        assert_eq!(
            of(&m, "default-body"),
            [
                "fn f -> undefined as any",
                "fn total -> undefined as any",
                "fn get -> undefined as any",
                "fn g -> undefined as any"
            ]
        );
        assert_eq!(of(&m, "undefined"), ["return undefined;", "return undefined;", "return undefined;"]);
    }

    #[test]
    fn strings_comments_attributes_and_tests_are_left_alone() {
        let src = r##"//! Doc: a < b, true, 1 + 1.
/// More doc: x == y
#[derive(Debug)]
#[cfg_attr(feature = "x", allow(dead_code))]
pub fn f() -> &'static str {
    /* a == b /* nested || */ true */
    let _c = ('a', '\'', b'x', "1 + 1 == 2 \" && true", r#"a < b "quoted" "#);
    "ok"
}

macro_rules! m {
    ($x:expr) => { $x + 1 };
}

debug_assert!(1 < 2);

same_for_tuples! { (A 0) (A 0, B 1) }

impl S {
    gen!(1 + 2);
}

#[cfg(test)]
mod tests {
    fn g() -> bool { 1 + 1 == 2 && true }
}

#[test]
fn h() { assert!(1 < 2); }
"##;
        let m = rust(src);
        assert_eq!(
            m,
            [("default-body", "fn f -> \"\"".to_string()), ("default-body", "fn f -> \"xyzzy\"".to_string())]
        );
        let ts = found(
            Lang::TypeScript,
            "// a < b\nconst s = 'a < b' + \"c == d\" + `e ${x} && f`;\nconst r = /a+1/g;\ninterface I { ok: true }\ntype T = 1 | 2;\nimport { x } from './y';\n",
        );
        assert!(ts.is_empty(), "{ts:?}");
    }

    #[test]
    fn mutants_come_in_source_order_with_locations_and_diffs() {
        let src = "fn f(a: u8) -> bool {\n    a < 1\n}\n";
        let m = generate(Lang::Rust, "src/lib.x", src);
        let starts: Vec<usize> = m.iter().map(|m| m.span.start).collect();
        assert!(starts.windows(2).all(|w| w[0] <= w[1]));
        let rel = m.iter().find(|m| m.operator == "relational").unwrap();
        assert_eq!(rel.location(), "src/lib.x:2:7");
        assert_eq!(rel.apply(src), "fn f(a: u8) -> bool {\n    a <= 1\n}\n");
        assert_eq!(
            rel.diff,
            "--- src/lib.x\n+++ src/lib.x\n@@ -1,3 +1,3 @@\n fn f(a: u8) -> bool {\n-    a < 1\n+    a <= 1\n }\n"
        );
        assert_eq!(generate(Lang::Rust, "src/lib.x", src), m);
    }

    #[test]
    fn sampling_is_reproducible_and_keeps_order() {
        let items: Vec<u32> = (0..100).collect();
        let a = sample(items.clone(), 10, 1);
        assert_eq!(a.len(), 10);
        assert_eq!(a, sample(items.clone(), 10, 1));
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_ne!(a, sample(items.clone(), 10, 2));
        assert_eq!(sample(items.clone(), 500, 1), items);
    }

    const DATA: &str = "[[equivalent]]\nfile = \"src/lib.x\"\nline = 2\noperator = \"relational\"\nreplace = \"a <= 1\"\nreason = \"a is never 1\"\n";

    #[test]
    fn the_data_file_parses_and_names_what_is_wrong() {
        let e = parse_equivalents("m.toml", DATA).unwrap();
        assert_eq!(e[0].replace, "a <= 1");
        assert!(parse_equivalents("m.toml", "").unwrap().is_empty());
        let err = |text: &str| format!("{:#}", parse_equivalents("m.toml", text).unwrap_err());
        assert!(err(&DATA.replace("reason = \"a is never 1\"\n", "")).contains("missing field `reason`"));
        assert!(err(&DATA.replace("reason = \"a is never 1\"", "reason = \" \"")).contains("`reason` is empty"));
        assert!(err(&format!("{DATA}why = 1\n")).contains("unknown field `why`"));
        let bad = err(&DATA.replace("\"relational\"", "\"flip\""));
        assert!(bad.contains("`operator` is \"flip\"") && bad.contains("relational, equality"), "{bad}");
        assert!(err(&DATA.replace("line = 2", "line = 0")).contains("`line` starts at 1"));
        assert!(err(&format!("{DATA}{DATA}")).contains("listed twice"));
        assert!(err(&DATA.replace("line = 2", "line = \"2\"")).contains("m.toml is not valid"));
    }

    #[test]
    fn listed_mutants_match_move_and_go_stale() {
        let src = "fn f(a: u8) -> bool {\n    a < 1\n}\n";
        let m = generate(Lang::Rust, "src/lib.x", src);
        let rel = m.iter().position(|m| m.operator == "relational").unwrap();
        let e = parse_equivalents("m", DATA).unwrap();
        let got = match_equivalents(&m, &e);
        assert_eq!(got.equivalent, [(rel, 0)]);
        assert!(got.stale.is_empty() && got.moved.is_empty());

        let moved = generate(Lang::Rust, "src/lib.x", &format!("\n\n{src}"));
        let got = match_equivalents(&moved, &e);
        assert_eq!(got.moved, [(0, 4)]);

        let gone = generate(Lang::Rust, "src/lib.x", "fn f(a: u8) -> bool {\n    a == 1\n}\n");
        assert_eq!(match_equivalents(&gone, &e).stale.len(), 1);
    }
}
