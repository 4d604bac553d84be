//! Differential-testing driver for atc-router (see README.md next to this file).
//!
//! Reads one JSON object per line on stdin:
//!   {"schema": {"field": "String"|"Int"|"IpAddr"|"IpCidr"},
//!    "routes": [{"uuid": "...", "priority": 10, "expression": "..."}],
//!    "contexts": [{"field": ["value", ...]}]}
//! Int values are given as decimal strings (exact i64), addresses as text.
//! Writes one JSON object per line on stdout:
//!   {"routes": [{"ok": true} | {"ok": false, "stage": "parse"|"validate"|"panic", "error": "..."}],
//!    "results": [null | {"uuid": "...", "matches": {"f": "v"}, "captures": {"k": "v"}}]}
//! Routes that fail are left out of the router; the others are all added.
use atc_router::ast::{Type, Value};
use atc_router::context::Context;
use atc_router::parser::parse;
use atc_router::router::Router;
use atc_router::schema::Schema;
use atc_router::semantics::Validate;
use serde_json::{json, Map, Value as J};
use std::io::{self, BufRead, Write};
use std::panic;
use std::str::FromStr;
use uuid::Uuid;

fn type_of(name: &str) -> Option<Type> {
    Some(match name {
        "String" => Type::String,
        "Int" => Type::Int,
        "IpAddr" => Type::IpAddr,
        "IpCidr" => Type::IpCidr,
        _ => return None,
    })
}

fn value_of(t: &Type, v: &J) -> Result<Value, String> {
    let s = match v {
        J::String(s) => s.clone(),
        J::Number(n) => n.to_string(),
        _ => return Err(format!("bad value {}", v)),
    };
    Ok(match t {
        Type::String => Value::String(s),
        Type::Int => Value::Int(i64::from_str(&s).map_err(|e| e.to_string())?),
        Type::IpAddr => Value::IpAddr(s.parse().map_err(|e: std::net::AddrParseError| e.to_string())?),
        Type::IpCidr => Value::IpCidr(s.parse().map_err(|e: cidr::errors::NetworkParseError| e.to_string())?),
        Type::Regex => return Err("regex values unsupported".into()),
    })
}

fn show(v: &Value) -> J {
    match v {
        Value::String(s) => J::String(s.clone()),
        Value::Int(i) => J::String(i.to_string()),
        Value::IpAddr(a) => J::String(a.to_string()),
        Value::IpCidr(c) => J::String(c.to_string()),
        Value::Regex(r) => J::String(r.as_str().to_string()),
    }
}

fn run(case: &J) -> Result<J, String> {
    let mut schema = Schema::default();
    for (k, v) in case["schema"].as_object().ok_or("schema")? {
        let t = type_of(v.as_str().ok_or("type")?).ok_or("type name")?;
        schema.add_field(k, t);
    }
    let mut router = Router::new(&schema);
    let mut route_out = Vec::new();
    for r in case["routes"].as_array().ok_or("routes")? {
        let expr = r["expression"].as_str().ok_or("expression")?.to_string();
        let uuid = Uuid::parse_str(r["uuid"].as_str().ok_or("uuid")?).map_err(|e| e.to_string())?;
        let prio = r["priority"].as_u64().ok_or("priority")? as usize;
        let checked = panic::catch_unwind(|| match parse(&expr) {
            Err(e) => Err(("parse", e.to_string())),
            Ok(ast) => ast.validate(&schema).map_err(|e| ("validate", e)),
        });
        let res = match checked {
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                json!({"ok": false, "stage": "panic", "error": msg})
            }
            Ok(Err((stage, e))) => json!({"ok": false, "stage": stage, "error": e}),
            Ok(Ok(())) => match router.add_matcher(prio, uuid, &expr) {
                Ok(()) => json!({"ok": true}),
                Err(e) => json!({"ok": false, "stage": "add", "error": e}),
            },
        };
        route_out.push(res);
    }
    let mut results = Vec::new();
    for c in case["contexts"].as_array().ok_or("contexts")? {
        let mut ctx = Context::new(&schema);
        for (k, vals) in c.as_object().ok_or("context")? {
            let t = match schema.type_of(k) {
                Some(Type::String) => Type::String,
                Some(Type::Int) => Type::Int,
                Some(Type::IpAddr) => Type::IpAddr,
                Some(Type::IpCidr) => Type::IpCidr,
                _ => return Err(format!("context field {} not in schema", k)),
            };
            for v in vals.as_array().ok_or("values")? {
                ctx.add_value(k, value_of(&t, v)?);
            }
        }
        if router.execute(&mut ctx) {
            let m = ctx.result.as_ref().unwrap();
            let mut matches = Map::new();
            for (k, v) in &m.matches {
                matches.insert(k.clone(), show(v));
            }
            let mut caps = Map::new();
            for (k, v) in &m.captures {
                caps.insert(k.clone(), J::String(v.clone()));
            }
            results.push(json!({"uuid": m.uuid.to_string(), "matches": matches, "captures": caps}));
        } else {
            results.push(J::Null);
        }
    }
    Ok(json!({"routes": route_out, "results": results}))
}

fn main() {
    panic::set_hook(Box::new(|_| {}));
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for line in stdin.lock().lines() {
        let line = line.expect("read");
        if line.trim().is_empty() {
            continue;
        }
        let res = match serde_json::from_str::<J>(&line) {
            Err(e) => json!({"fatal": e.to_string()}),
            Ok(case) => match panic::catch_unwind(|| run(&case)) {
                Ok(Ok(v)) => v,
                Ok(Err(e)) => json!({"fatal": e}),
                Err(_) => json!({"fatal": "panic while running case"}),
            },
        };
        writeln!(out, "{}", res).unwrap();
        out.flush().unwrap();
    }
}
