//! The TOML reader (`huimin::syntax::toml`): tables of snippets with the
//! values, spans and faults they must give, the tricky cases of the TOML 1.0
//! specification, and differential checks against the `toml` crate (a
//! dev-dependency only): every TOML file of the repository, the snippets, and
//! thousands of deterministic mutations of a rule pack must be accepted or
//! refused alike, and read to the same values.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use huimin::diagnostic::SourceSpan;
use huimin::syntax::toml::{parse, parse_skipping, Item, Node, Value};
use serde_json::{json, Value as Json};
use std::path::{Path, PathBuf};

// ---- helpers -------------------------------------------------------------------------

/// The value of a text read without fault, as JSON (dates as strings,
/// floats as numbers: the conversion a pack test's case goes through).
fn read(src: &str) -> Json {
    let (root, errors) = parse(src);
    assert!(errors.is_empty(), "{src:?} should read, got {errors:#?}");
    to_json(&root.into_value().unwrap())
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::String(s) => json!(s),
        Value::Integer(i) => json!(i),
        Value::Float(f) if f.is_nan() => json!("nan"),
        Value::Float(f) if f.is_infinite() => json!(if *f > 0.0 { "inf" } else { "-inf" }),
        Value::Float(f) => json!(f),
        Value::Boolean(b) => json!(b),
        Value::Datetime(d) => json!(d.to_string()),
        Value::Array(a) => Json::Array(a.iter().map(to_json).collect()),
        Value::Table(t) => Json::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

/// The same, from the `toml` crate.
fn crate_json(v: &toml::Value) -> Json {
    match v {
        toml::Value::String(s) => json!(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) if f.is_nan() => json!("nan"),
        toml::Value::Float(f) if f.is_infinite() => {
            json!(if *f > 0.0 { "inf" } else { "-inf" })
        }
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => json!(d.to_string()),
        toml::Value::Array(a) => Json::Array(a.iter().map(crate_json).collect()),
        toml::Value::Table(t) => {
            Json::Object(t.iter().map(|(k, v)| (k.clone(), crate_json(v))).collect())
        }
    }
}

/// `(message, line, column)` of every fault of a text.
fn faults(src: &str) -> Vec<(String, usize, usize)> {
    let (_, errors) = parse(src);
    errors
        .iter()
        .map(|e| {
            let at = SourceSpan::locate(src, e.span.start, e.span.end);
            (e.message.clone(), at.line, at.column)
        })
        .collect()
}

fn text_at<'s>(src: &'s str, item: &Item) -> &'s str {
    &src[item.span.clone()]
}

// ---- values ----------------------------------------------------------------------------

#[test]
fn snippets_read_to_the_expected_values() {
    let cases: &[(&str, Json)] = &[
        ("", json!({})),
        ("\u{feff}a = 1", json!({"a": 1})),
        ("# only a comment\n\n", json!({})),
        ("a = 1 # trailing comment\r\nb = 2\r\n", json!({"a": 1, "b": 2})),
        // keys
        ("bare_key-1 = 1\n1234 = 2", json!({"bare_key-1": 1, "1234": 2})),
        (
            "\"127.0.0.1\" = 1\n'quoted \"value\"' = 2\n\"\" = 3\n\"ʎǝʞ\" = 4",
            json!({"127.0.0.1": 1, "quoted \"value\"": 2, "": 3, "ʎǝʞ": 4}),
        ),
        (
            "name.first = \"a\"\nsite.\"google.com\" = true\n a . b = 1",
            json!({"name": {"first": "a"}, "site": {"google.com": true}, "a": {"b": 1}}),
        ),
        ("3.14159 = \"pi\"", json!({"3": {"14159": "pi"}})),
        (
            "apple.type = \"fruit\"\norange.type = \"fruit\"\napple.skin = \"thin\"",
            json!({"apple": {"type": "fruit", "skin": "thin"}, "orange": {"type": "fruit"}}),
        ),
        // basic strings and escapes
        (
            r#"s = "\b\t\n\f\r\"\\ \u00E9 \U0001F600 é""#,
            json!({"s": "\u{8}\t\n\u{c}\r\"\\ é 😀 é"}),
        ),
        ("s = \"tab\there\"", json!({"s": "tab\there"})),
        // multi-line basic strings
        ("s = \"\"\"\nRoses\nViolets\"\"\"", json!({"s": "Roses\nViolets"})),
        ("s = \"\"\"\r\nRoses\r\nViolets\"\"\"", json!({"s": "Roses\nViolets"})),
        (
            "s = \"\"\"\nThe quick brown \\\n\n\n  fox jumps \\\n    over.\"\"\"",
            json!({"s": "The quick brown fox jumps over."}),
        ),
        ("s = \"\"\"a \\   \n   b\"\"\"", json!({"s": "a b"})),
        (
            "s = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"",
            json!({"s": "Here are two quotation marks: \"\". Simple enough."}),
        ),
        (
            "s = \"\"\"Here are three quotation marks: \"\"\\\".\"\"\"",
            json!({"s": "Here are three quotation marks: \"\"\"."}),
        ),
        (
            r#"s = """"This," she said, "is just a pointless statement."""""#,
            json!({"s": "\"This,\" she said, \"is just a pointless statement.\""}),
        ),
        ("s = \"\"\"a\"\"\"\"", json!({"s": "a\""})),
        ("s = \"\"\"\"\"\"", json!({"s": ""})),
        // literal strings
        (
            r"s = 'C:\Users\nodejs\templates'",
            json!({"s": "C:\\Users\\nodejs\\templates"}),
        ),
        (
            "s = '''\nThe first newline is\ntrimmed in raw strings.\n'''",
            json!({"s": "The first newline is\ntrimmed in raw strings.\n"}),
        ),
        (
            "s = '''Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"'''",
            json!({"s": "Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\""}),
        ),
        (
            "s = ''''That,' she said, 'is still pointless.''''",
            json!({"s": "'That,' she said, 'is still pointless.'"}),
        ),
        ("s = '''a\\'''", json!({"s": "a\\"})),
        // integers
        (
            "a = +99\nb = 42\nc = 0\nd = -17\ne = 1_000\nf = 5_349_221\ng = -0\nh = +0",
            json!({"a": 99, "b": 42, "c": 0, "d": -17, "e": 1000, "f": 5_349_221, "g": 0, "h": 0}),
        ),
        (
            "a = 0xDEADBEEF\nb = 0xdead_beef\nc = 0o01234567\nd = 0o755\ne = 0b11010110\nf = 0x00",
            json!({"a": 3_735_928_559_i64, "b": 3_735_928_559_i64, "c": 342_391, "d": 493, "e": 214, "f": 0}),
        ),
        (
            "max = 9223372036854775807\nmin = -9223372036854775808",
            json!({"max": i64::MAX, "min": i64::MIN}),
        ),
        // floats
        (
            "a = +1.0\nb = 2.5\nc = -0.01\nd = 5e+22\ne = 1e06\nf = -2E-2\ng = 6.626e-34\nh = 224_617.445_991_228\ni = 0.0\nj = -0e0",
            json!({"a": 1.0, "b": 2.5, "c": -0.01, "d": 5e22, "e": 1e6, "f": -0.02, "g": 6.626e-34, "h": 224_617.445_991_228, "i": 0.0, "j": -0.0}),
        ),
        (
            "a = inf\nb = +inf\nc = -inf\nd = nan\ne = +nan\nf = -nan",
            json!({"a": "inf", "b": "inf", "c": "-inf", "d": "nan", "e": "nan", "f": "nan"}),
        ),
        // booleans
        ("t = true\nf = false", json!({"t": true, "f": false})),
        // date-times, in their canonical form
        (
            "a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00-07:00\nc = 1979-05-27T00:32:00.999999-07:00\nd = 1979-05-27 07:32:00Z\ne = 1979-05-27t07:32:00z",
            json!({"a": "1979-05-27T07:32:00Z", "b": "1979-05-27T00:32:00-07:00", "c": "1979-05-27T00:32:00.999999-07:00", "d": "1979-05-27T07:32:00Z", "e": "1979-05-27T07:32:00Z"}),
        ),
        (
            "a = 1979-05-27T07:32:00\nb = 1979-05-27T00:32:00.999999\nc = 1979-05-27\nd = 07:32:00\ne = 00:32:00.999999\nf = 00:32:00.1234567891\ng = 2000-02-29\nh = 1979-05-27T07:32:00+05:30\ni = 23:59:60",
            json!({"a": "1979-05-27T07:32:00", "b": "1979-05-27T00:32:00.999999", "c": "1979-05-27", "d": "07:32:00", "e": "00:32:00.999999", "f": "00:32:00.123456789", "g": "2000-02-29", "h": "1979-05-27T07:32:00+05:30", "i": "23:59:60"}),
        ),
        // arrays
        (
            "a = [ 1, 2, 3 ]\nb = [ \"red\", 'yellow' ]\nc = [ [ 1, 2 ], [3, 4, 5] ]\nd = [ 0.1, 1, \"x\", [], {} ]\ne = []",
            json!({"a": [1, 2, 3], "b": ["red", "yellow"], "c": [[1, 2], [3, 4, 5]], "d": [0.1, 1, "x", [], {}], "e": []}),
        ),
        (
            "a = [\n  1, # one\n  # a comment line\n  2,\n]\nb = [\n\n]",
            json!({"a": [1, 2], "b": []}),
        ),
        (
            "points = [ { x = 1, y = 2 }, { x = 7, y = 8, z = 9 } ]",
            json!({"points": [{"x": 1, "y": 2}, {"x": 7, "y": 8, "z": 9}]}),
        ),
        // inline tables
        (
            "name = { first = \"Tom\", last = \"Preston-Werner\" }\npoint = {x=1,y=2}\nanimal = { type.name = \"pug\" }\nempty = {}",
            json!({"name": {"first": "Tom", "last": "Preston-Werner"}, "point": {"x": 1, "y": 2}, "animal": {"type": {"name": "pug"}}, "empty": {}}),
        ),
        // tables
        (
            "[table-1]\nkey1 = \"some string\"\n\n[table-2]\nkey1 = \"another\"",
            json!({"table-1": {"key1": "some string"}, "table-2": {"key1": "another"}}),
        ),
        (
            "[a.b.c]\n[ d.e.f ]\n[ g .  h  . i ]\n[ j . \"ʞ\" . 'l' ]",
            json!({"a": {"b": {"c": {}}}, "d": {"e": {"f": {}}}, "g": {"h": {"i": {}}}, "j": {"ʞ": {"l": {}}}}),
        ),
        (
            "[x.y.z.w]\n[x]\nk = 1",
            json!({"x": {"y": {"z": {"w": {}}}, "k": 1}}),
        ),
        (
            "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n\n[fruit.apple.texture]\nsmooth = true",
            json!({"fruit": {"apple": {"color": "red", "taste": {"sweet": true}, "texture": {"smooth": true}}}}),
        ),
        (
            "[dog.\"tater.man\"]\ntype.name = \"pug\"",
            json!({"dog": {"tater.man": {"type": {"name": "pug"}}}}),
        ),
        // arrays of tables
        (
            "[[products]]\nname = \"Hammer\"\nsku = 738594937\n\n[[products]]\n\n[[products]]\nname = \"Nail\"\ncolor = \"gray\"",
            json!({"products": [{"name": "Hammer", "sku": 738_594_937}, {}, {"name": "Nail", "color": "gray"}]}),
        ),
        (
            "[[fruits]]\nname = \"apple\"\n[fruits.physical]\ncolor = \"red\"\n[[fruits.varieties]]\nname = \"red delicious\"\n[[fruits.varieties]]\nname = \"granny smith\"\n\n[[fruits]]\nname = \"banana\"\n[[fruits.varieties]]\nname = \"plantain\"",
            json!({"fruits": [
                {"name": "apple", "physical": {"color": "red"}, "varieties": [{"name": "red delicious"}, {"name": "granny smith"}]},
                {"name": "banana", "varieties": [{"name": "plantain"}]}
            ]}),
        ),
        // whitespace and indentation
        (
            "\t[t]\n\t  k\t=\t'v'\t# c\n",
            json!({"t": {"k": "v"}}),
        ),
    ];
    for (src, want) in cases {
        assert_eq!(&read(src), want, "{src:?}");
    }
}

#[test]
fn spans_point_at_keys_and_values() {
    let src = "[pack]\nid = \"x\"\nname = { zh = 'a', en = \"b\" }\n\n[[b]]\nk = [1, 2]\n# c\n[[b]]\nn.m = 1979-05-27\n";
    let (root, errors) = parse(src);
    assert!(errors.is_empty(), "{errors:?}");
    let pack = root.get("pack").unwrap();
    // A [table] spans from its header to the end of its last value.
    assert_eq!(
        text_at(src, pack),
        "[pack]\nid = \"x\"\nname = { zh = 'a', en = \"b\" }"
    );
    assert_eq!(text_at(src, pack.get("id").unwrap()), "\"x\"");
    let name = pack.get("name").unwrap();
    assert_eq!(text_at(src, name), "{ zh = 'a', en = \"b\" }");
    assert_eq!(text_at(src, name.get("zh").unwrap()), "'a'");
    let Node::Table(m) = &pack.value else {
        panic!()
    };
    let keys: Vec<(&str, &str)> = m
        .entries()
        .iter()
        .map(|e| (e.name.as_ref(), &src[e.key.clone()]))
        .collect();
    assert_eq!(keys, [("id", "id"), ("name", "name")]);
    let Node::Tables(bs) = &root.get("b").unwrap().value else {
        panic!()
    };
    assert_eq!(text_at(src, &bs[0]), "[[b]]\nk = [1, 2]");
    assert_eq!(text_at(src, bs[0].get("k").unwrap()), "[1, 2]");
    let Node::Array(k) = &bs[0].get("k").unwrap().value else {
        panic!()
    };
    assert_eq!(text_at(src, &k[1]), "2");
    assert_eq!(text_at(src, &bs[1]), "[[b]]\nn.m = 1979-05-27");
    assert_eq!(
        text_at(src, bs[1].get("n").unwrap().get("m").unwrap()),
        "1979-05-27"
    );
    // Multi-line and escaped strings span their quotes.
    let src = "a = \"\"\"\nx\n\"\"\"\nb = \"\\u0041\"";
    let (root, _) = parse(src);
    assert_eq!(text_at(src, root.get("a").unwrap()), "\"\"\"\nx\n\"\"\"");
    assert_eq!(text_at(src, root.get("b").unwrap()), "\"\\u0041\"");
}

// ---- faults ----------------------------------------------------------------------------

#[test]
fn invalid_snippets_report_the_expected_fault_and_place() {
    let cases: &[(&str, &str, usize, usize)] = &[
        // keys and tables defined twice
        ("a = 1\na = 2", "key `a` is defined twice", 2, 1),
        ("a.b = 1\na.b = 2", "key `a.b` is defined twice", 2, 3),
        ("a = {b = 1, b = 2}", "key `b` is defined twice", 1, 13),
        ("\"a\" = 1\na = 2", "key `a` is defined twice", 2, 1),
        ("[t]\n[t]", "table `t` is defined twice", 2, 2),
        ("[a.b]\n[a]\n[a.b]", "table `a.b` is defined twice", 3, 4),
        (
            "[t]\nk = 1\n[t.k]",
            "key `t.k` is already defined as an integer",
            3,
            4,
        ),
        (
            "[a]\nb.c = 1\n[a.b]",
            "table `a.b` is already defined by dotted keys",
            3,
            4,
        ),
        (
            "[a]\nb.c.d = 1\n[a.b.c]",
            "table `a.b.c` is already defined by dotted keys",
            3,
            6,
        ),
        (
            "[a.b.c]\nz = 9\n[a]\nb.c.t = 1",
            "table `b` is already defined; dotted keys",
            4,
            1,
        ),
        (
            "a.b = 1\na.b.c = 2",
            "key `a.b` is already defined as an integer",
            2,
            3,
        ),
        (
            "a = {b = 1}\na.c = 2",
            "table `a` is already defined; dotted keys",
            2,
            1,
        ),
        (
            "a = {b = 1}\n[a]",
            "table `a` is already defined as an inline table",
            2,
            2,
        ),
        ("a = {b = 1}\n[a.c]", "table `a` is an inline table", 2, 2),
        ("a = {}\n[a.b]", "table `a` is an inline table", 2, 2),
        ("a = []\n[[a]]", "`a` is a static array", 2, 3),
        ("a = [{}]\n[[a]]", "`a` is a static array", 2, 3),
        (
            "[a]\n[[a]]",
            "table `a` is already defined, so `[[a]]`",
            2,
            3,
        ),
        ("[[a]]\n[a]", "`a` is an array of tables", 2, 2),
        (
            "a = 1\n[a.b]",
            "key `a` is already defined as an integer",
            2,
            2,
        ),
        // strings
        ("a = \"\\q\"", "invalid escape `\\q`", 1, 6),
        ("a = \"\\e\"", "invalid escape `\\e`", 1, 6),
        ("a = \"\\x41\"", "invalid escape `\\x`", 1, 6),
        (
            "a = \"\\u12\"",
            "`\\u` must be followed by 4 hexadecimal digits",
            1,
            6,
        ),
        (
            "a = \"\\uD800\"",
            "`\\uD800` is not a Unicode scalar value",
            1,
            6,
        ),
        ("a = \"\\U00110000\"", "is not a Unicode scalar value", 1, 6),
        ("a = \"abc", "string is not closed", 1, 5),
        ("a = \"abc\nb = 1", "string is not closed", 1, 5),
        ("a = 'abc", "string is not closed", 1, 5),
        ("a = \"\"\"abc", "multi-line string is not closed", 1, 5),
        ("a = '''abc\n", "multi-line string is not closed", 1, 5),
        (
            "a = \"a\u{1}b\"",
            "control character U+0001 is not allowed in a string",
            1,
            7,
        ),
        (
            "a = 'a\u{7f}'",
            "control character U+007F is not allowed in a string",
            1,
            7,
        ),
        ("a = \"\"\"a\u{0}\"\"\"", "control character U+0000", 1, 9),
        (
            "# a\u{1}\na = 1",
            "control character U+0001 is not allowed in a comment",
            1,
            4,
        ),
        (
            "a = \"\"\"a \\ b\"\"\"",
            "a `\\` followed by spaces must end its line",
            1,
            10,
        ),
        ("a = \"\"\"a\"\"\"\"\"\"", "three quotes in a row", 1, 9),
        (
            "\"\"\"k\"\"\" = 1",
            "a key cannot be a multi-line string",
            1,
            1,
        ),
        // numbers
        ("a = 01", "leading zeros are not allowed", 1, 5),
        ("a = 00.5", "leading zeros are not allowed", 1, 5),
        ("a = 1__0", "`1__0` is not a valid number", 1, 5),
        ("a = 1_", "`1_` is not a valid number", 1, 5),
        ("a = _1", "`_1` is not a valid number", 1, 5),
        ("a = 0x", "`0x` is not a valid number", 1, 5),
        ("a = 0xG", "`0xG` is not a valid number", 1, 5),
        ("a = 0b102", "`0b102` is not a valid number", 1, 5),
        ("a = +0x1", "cannot have a sign", 1, 5),
        ("a = 1.", "`1.` is not a valid number", 1, 5),
        ("a = .5", "`.5` is not a valid number", 1, 5),
        ("a = 1e", "`1e` is not a valid number", 1, 5),
        ("a = 1.e5", "`1.e5` is not a valid number", 1, 5),
        ("a = 1e_5", "`1e_5` is not a valid number", 1, 5),
        ("a = 9223372036854775808", "does not fit in 64 bits", 1, 5),
        ("a = -9223372036854775809", "does not fit in 64 bits", 1, 5),
        ("a = 0x8000000000000000", "does not fit in 64 bits", 1, 5),
        ("a = infinity", "is not a value", 1, 5),
        // date-times
        ("a = 1979-02-29", "`1979-02-29` is not a valid date", 1, 5),
        ("a = 2024-13-01", "is not a valid date", 1, 5),
        ("a = 2024-04-31", "is not a valid date", 1, 5),
        ("a = 1979-05-27T25:00:00", "is not a valid date", 1, 5),
        ("a = 07:32", "is not a valid date", 1, 5),
        ("a = 1979-05-27T07:32", "is not a valid date", 1, 5),
        ("a = 1979-5-27", "is not a valid date", 1, 5),
        ("a = 07:32:00Z", "is not a valid date", 1, 5),
        ("a = 1979-05-27T07:32:00.", "is not a valid date", 1, 5),
        ("a = 1979-05-27T07:32:00+7:00", "is not a valid date", 1, 5),
        // other values
        (
            "a = yes",
            "`yes` is not a value; a string is written in quotes",
            1,
            5,
        ),
        ("a = True", "`True` is not a value", 1, 5),
        ("a =", "expected a value, found the end of the file", 1, 4),
        (
            "a = \nb = 1",
            "expected a value, found the end of the line",
            1,
            5,
        ),
        ("a = [1, 2", "array is not closed with `]`", 1, 5),
        (
            "a = [1 2]",
            "expected `,` or `]` after an array element, found `2`",
            1,
            8,
        ),
        ("a = [,]", "expected a value, found `,`", 1, 6),
        ("a = {b = 1", "inline table is not closed on its line", 1, 5),
        (
            "a = {b = 1,\nc = 2}",
            "inline table is not closed on its line",
            1,
            5,
        ),
        (
            "a = {\n  b = 1,\n  c = 2,\n}",
            "inline table is not closed on its line",
            1,
            5,
        ),
        (
            "a = {b = 1,}",
            "an inline table may not end with a comma",
            1,
            11,
        ),
        (
            "a = {b = 1 c = 2}",
            "expected `,` or `}` in the inline table, found `c`",
            1,
            12,
        ),
        ("a = {b}", "expected `=` after the key, found `}`", 1, 7),
        // lines
        (
            "a = 1 b = 2",
            "expected the end of the line, found `b`",
            1,
            7,
        ),
        ("a = \"x\" \"y\"", "expected the end of the line", 1, 9),
        (
            "a = 1\r",
            "a carriage return must be followed by a newline",
            1,
            6,
        ),
        (
            "a",
            "expected `=` after the key, found the end of the file",
            1,
            2,
        ),
        ("a b = 1", "expected `=` after the key, found `b`", 1, 3),
        ("= 1", "expected a key, found `=`", 1, 1),
        ("a. = 1", "expected a key, found `=`", 1, 4),
        ("ké = 1", "expected `=` after the key, found `é`", 1, 2),
        (
            "[a",
            "expected `]` to close the table header, found the end of the file",
            1,
            3,
        ),
        ("[a]]", "expected the end of the line, found `]`", 1, 4),
        (
            "[[a]",
            "expected `]]` to close the table header, found `]`",
            1,
            4,
        ),
        (
            "[[a] ]",
            "expected `]]` to close the table header, found `]`",
            1,
            4,
        ),
        ("[]", "expected a key, found `]`", 1, 2),
        ("[a] b = 1", "expected the end of the line, found `b`", 1, 5),
    ];
    let mut wrong = Vec::new();
    for (src, message, line, col) in cases {
        let got = faults(src);
        let ok =
            got.len() == 1 && got[0].0.contains(message) && (got[0].1, got[0].2) == (*line, *col);
        if !ok {
            wrong.push(format!(
                "{src:?}: want one fault `{message}` at {line}:{col}, got {got:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_fault_of_a_text_is_reported_at_once() {
    let src = "a = 01\nb = 1__2\nc = 3\nc = 4\n[t]\nx = \"\\q\"\n[t]\ny = 'unclosed\n";
    let got: Vec<(usize, usize)> = faults(src).iter().map(|f| (f.1, f.2)).collect();
    assert_eq!(got, [(1, 5), (2, 5), (4, 1), (6, 6), (7, 2), (8, 5)]);
}

#[test]
fn a_broken_multi_line_array_is_reported_once_and_reading_goes_on() {
    let src = "a = [\n  1,\n  2 3,\n  4,\n  { x = 1 },\n  \"s\",\n]\nb = 1\nb = 2\n";
    let got = faults(src);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].0.contains("expected `,` or `]`"), "{got:?}");
    assert_eq!((got[0].1, got[0].2), (3, 5));
    assert_eq!((got[1].1, got[1].2), (9, 1));
    // The key whose value failed is kept as invalid, so a reader of the tree
    // does not report it missing.
    let (root, _) = parse(src);
    assert_eq!(root.get("a").map(|a| &a.value), Some(&Node::Invalid));
}

#[test]
fn a_bad_header_drops_its_section_instead_of_misplacing_it() {
    let src = "[pack\nid = 1\n[other]\nk = 2\n";
    let (root, errors) = parse(src);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let json = to_json(&root.into_value().unwrap());
    assert_eq!(json, json!({"other": {"k": 2}}));
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_without_overflowing() {
    let limit = huimin::syntax::toml::MAX_DEPTH;
    let ok = format!("a = {}{}", "[".repeat(limit), "]".repeat(limit));
    assert!(parse(&ok).1.is_empty());
    for deep in [
        format!("a = {}{}", "[".repeat(limit + 1), "]".repeat(limit + 1)),
        format!("a = {}", "{ b = ".repeat(100_000)),
        format!("a = {}", "[".repeat(1_000_000)),
        format!("{} = 1", vec!["k"; limit + 1].join(".")),
        format!("[{}]", vec!["k"; limit + 1].join(".")),
        format!("[a.b]\n{} = 1", vec!["k"; limit].join(".")),
        format!("a = {{ {} = 1 }}", vec!["k"; limit + 1].join(".")),
    ] {
        let got = faults(&deep);
        assert_eq!(got.len(), 1, "{got:?} {}", &deep[..deep.len().min(80)]);
        assert!(
            got[0].0.contains("levels deep") || got[0].0.contains("dotted parts"),
            "{got:?}"
        );
    }
}

#[test]
fn every_prefix_of_a_pack_reads_without_panic() {
    let text = std::fs::read_to_string(root().join("tests/toy/library_card.toml")).unwrap();
    for (i, _) in text.char_indices() {
        let _ = parse(&text[..i]);
    }
}

// ---- against the `toml` crate ------------------------------------------------------------

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            toml_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "toml") {
            out.push(path);
        }
    }
}

/// `Ok(json)` or `Err(())`, from both readers.
fn both(src: &str) -> (Result<Json, ()>, Result<Json, ()>) {
    let (root, errors) = parse(src);
    let ours = if errors.is_empty() {
        Ok(to_json(&root.into_value().unwrap()))
    } else {
        Err(())
    };
    let theirs = toml::from_str::<toml::Table>(src)
        .map(|t| crate_json(&toml::Value::Table(t)))
        .map_err(|_| ());
    (ours, theirs)
}

#[test]
fn every_toml_file_of_the_repository_reads_as_the_toml_crate_reads_it() {
    let mut files = Vec::new();
    for dir in ["rules", "tests"] {
        toml_files(&root().join(dir), &mut files);
    }
    assert!(files.len() > 30, "only {} TOML files", files.len());
    for path in files {
        let src = std::fs::read_to_string(&path).unwrap();
        let (ours, theirs) = both(&src);
        assert_eq!(ours, theirs, "{}", path.display());
    }
}

/// How many mutated texts are compared.
const MUTATIONS: usize = 3000;

/// A text with every kind of TOML value, mutated with the toy pack.
const KITCHEN_SINK: &str = r#"# every kind of value
title = "TOML \"example\" \u00e9 \U0001F600"
lit = 'C:\path'
ml = """
a \
  b ""\" c"""
mll = '''
x'y'''''
ints = [ +99, -17, 0, 1_000, 0xDEAD_beef, 0o755, 0b1101 ]
floats = [ 1.5, -0.01, 5e+22, 1E-2, 6.626e-34, inf, -nan ]
dates = [ 1979-05-27T07:32:00Z, 1979-05-27 00:32:00.999-07:00, 1979-05-27T07:32:00, 1979-05-27, 07:32:00.5 ]
mixed = [ [ 1, "a" ], { x = 1, y.z = 2 }, ]
a.b."c.d" = true
[t]
k = { m = 'n' }
[t.u.v]
w = 1
[[arr]]
x = 1
[arr.sub]
y = 2
[[arr]]
"#;

#[test]
fn mutated_packs_are_accepted_or_refused_as_the_toml_crate_does() {
    // A deterministic generator (no dependency): xorshift.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    const PIECES: &[&str] = &[
        "\"",
        "'",
        "[",
        "]",
        "{",
        "}",
        "=",
        ".",
        ",",
        "#",
        "\n",
        "\\",
        " ",
        "0",
        "1",
        "a",
        "_",
        "-",
        "+",
        ":",
        "e",
        "T",
        "Z",
        "\"\"\"",
        "'''",
        "[[",
        "]]",
        "\\u",
        "\r\n",
        "\t",
        "é",
        "x.y",
        "1979-05-27",
        "07:32:00",
        "inf",
        "0x",
        "true",
    ];
    let pack = std::fs::read_to_string(root().join("tests/toy/library_card.toml")).unwrap();
    for base in [pack.as_str(), KITCHEN_SINK] {
        let (ours, theirs) = both(base);
        assert!(ours.is_ok() && ours == theirs, "{ours:?}\n{theirs:?}");
    }
    let mut disagree = Vec::new();
    for k in 0..MUTATIONS {
        let mut text = if k % 2 == 0 {
            pack.clone()
        } else {
            KITCHEN_SINK.to_string()
        };
        for _ in 0..1 + next(3) {
            let mut at = next(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + next(3)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let piece = if next(4) == 0 {
                ""
            } else {
                PIECES[next(PIECES.len())]
            };
            text.replace_range(at..end, piece);
        }
        let (ours, theirs) = both(&text);
        if ours != theirs {
            disagree.push(text);
        }
    }
    let shown: Vec<String> = disagree
        .iter()
        .take(3)
        .map(|t| {
            let (ours, theirs) = both(t);
            format!(
                "ours {:?}, toml crate {:?}:\n{t}",
                ours.map(|_| "ok").map_err(|_| faults(t)),
                theirs.map(|_| "ok")
            )
        })
        .collect();
    assert!(
        disagree.is_empty(),
        "{} of {MUTATIONS} mutations read differently; first ones:\n{}",
        disagree.len(),
        shown.join("\n-----\n")
    );
}

#[test]
fn faults_stop_at_the_limit_and_big_tables_stay_fast() {
    use huimin::syntax::toml::MAX_ERRORS;
    let src = "a = \n".repeat(100_000);
    let (_, errors) = parse(&src);
    assert_eq!(errors.len(), MAX_ERRORS + 1);
    assert!(errors[MAX_ERRORS]
        .message
        .contains("more faults may follow"));
    // Keys are indexed, so a table of many keys reads in linear time; each
    // duplicate is still found.
    let mut src: String = (0..50_000).map(|i| format!("k{i} = {i}\n")).collect();
    src.push_str("k49999 = 0\n");
    let start = std::time::Instant::now();
    let got = faults(&src);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].1, got[0].2), (50_001, 1));
    assert!(start.elapsed().as_secs() < 10);
}

/// What `parse_skipping(src, Some(key))` must give: the full reading without
/// the top-level `key`.
fn read_without(src: &str, key: &str) -> Json {
    let mut full = read(src);
    full.as_object_mut().unwrap().remove(key);
    full
}

fn read_skipping(src: &str, key: &str) -> Json {
    let (root, errors) = parse_skipping(src, Some(key));
    assert!(
        errors.is_empty(),
        "{src:?} skipping {key} should read, got {errors:#?}"
    );
    to_json(&root.into_value().unwrap())
}

#[test]
fn a_skipped_key_leaves_the_rest_read_as_in_full() {
    // Values that span lines, strings holding what looks like headers,
    // brackets and quotes, comments with brackets; then a table that is not
    // skipped, after the skipped ones.
    let src = r#"top = 1
[[tests]]
name = "a ] } [b] \" # not a comment"
notes = """
[rules]
x = "not a value" ]] }
""""
lit = '''
[[tests]] ''\' '''
also = 'C:\[x]'
case = { household = { members = [ { id = "self" },
  { id = "b" } ] } } # ] [
list = [
  [1, 2], # [
  "]",
]
[tests.expect]
status = "eligible"
[[tests]]
name = 'b'
[rules]
x = "kept"
y = [ 1,
  2 ]
[[more]]
z = """ends""" # [tests]
"#;
    assert_eq!(read_skipping(src, "tests"), read_without(src, "tests"));
    assert_eq!(
        read_skipping(src, "tests"),
        json!({"top": 1, "rules": {"x": "kept", "y": [1, 2]}, "more": [{"z": "ends"}]})
    );
    // A fault inside what is skipped is not read, so not reported; the
    // same fault elsewhere is.
    let (_, errors) = parse_skipping("[tests]\nx = = 1\n[rules]\ny = 2\n", Some("tests"));
    assert!(errors.is_empty(), "{errors:?}");
    let (_, errors) = parse_skipping("[tests]\nx = 1\n[rules]\ny = = 2\n", Some("tests"));
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn skipping_any_top_level_table_of_a_repository_file_reads_the_rest_as_in_full() {
    let mut files = Vec::new();
    for dir in ["rules", "tests"] {
        toml_files(&root().join(dir), &mut files);
    }
    let mut compared = 0;
    for path in files {
        let src = std::fs::read_to_string(&path).unwrap();
        let (root, errors) = parse(&src);
        if !errors.is_empty() {
            continue; // the bad packs
        }
        let Some(Value::Table(top)) = root.into_value() else {
            panic!("{}", path.display())
        };
        for (key, value) in top.iter() {
            // Only what is written as tables can be skipped: `key = …` at
            // the top is read.
            let tables = match value {
                Value::Table(_) => true,
                Value::Array(a) => a.iter().all(|v| matches!(v, Value::Table(_))),
                _ => false,
            };
            if tables && src.contains(&format!("[{key}")) {
                assert_eq!(
                    read_skipping(&src, key),
                    read_without(&src, key),
                    "{} skipping {key}",
                    path.display()
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "only {compared} comparisons");
}
