//! `peakdesk schema`: every shipped profile and target file validates
//! against the printed JSON Schema (so an editor using it flags nothing in
//! a good file), and files with an unknown key, a bad duration or an
//! unknown rule metric do not (so it flags what peakdesk would refuse).

use crate::common::{peakdesk, root};
use serde_json::{Value, json};

fn schema(of: &str) -> jsonschema::Validator {
    let out = peakdesk().args(["schema", of]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "{of}"
    );
    jsonschema::validator_for(&schema).unwrap()
}

fn toml_as_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let v: toml::Value = toml::from_str(&text).unwrap();
    serde_json::to_value(v).unwrap()
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn tomls(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(root(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| !p.to_string_lossy().ends_with("-shifts.toml"))
        .collect();
    out.sort();
    out
}

#[test]
fn shipped_profiles_validate_and_bad_ones_do_not() {
    let v = schema("profile");
    let mut files = tomls("profiles");
    files.extend(tomls("profiles/reference"));
    files.extend(
        tomls("tests/integration")
            .into_iter()
            .filter(|p| !p.ends_with("Cargo.toml")),
    );
    assert!(files.len() >= 12, "{files:?}");
    for f in &files {
        let doc = toml_as_json(f);
        assert_eq!(errors(&v, &doc), Vec::<String>::new(), "{}", f.display());
    }
    let good = toml_as_json(&root("profiles/double11.toml"));
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut d = good.clone();
        f(&mut d);
        d
    };
    let bad = [
        (
            "an unknown key",
            mutate(&|d| d["arrivals"]["rte"] = json!("2/s")),
        ),
        (
            "a bad duration",
            mutate(&|d| d["horizon"] = json!("3 parsecs")),
        ),
        (
            "a bad rate",
            mutate(&|d| d["arrivals"]["rate"] = json!("2 per s")),
        ),
        (
            "a bad time of day",
            mutate(&|d| d["arrivals"]["curve"][0][0] = json!("25:00")),
        ),
        (
            "an unknown metric",
            mutate(&|d| d["sla"]["rules"] = json!([{ "metric": "happiness", "max": 1 }])),
        ),
        (
            "a missing required table",
            mutate(&|d| {
                d.as_object_mut().unwrap().remove("agents");
            }),
        ),
    ];
    for (what, doc) in &bad {
        assert!(!errors(&v, doc).is_empty(), "{what} must not validate");
    }
}

#[test]
fn shipped_target_files_validate_and_bad_ones_do_not() {
    let v = schema("target");
    let mut files = tomls("targets");
    files.extend(tomls("targets/saas"));
    assert!(files.len() >= 5);
    for f in &files {
        let doc = toml_as_json(f);
        assert_eq!(errors(&v, &doc), Vec::<String>::new(), "{}", f.display());
    }
    // The django-helpdesk target scripts/helpdesk.sh writes (and the README shows).
    let script = std::fs::read_to_string(root("scripts/helpdesk.sh")).unwrap();
    let start = script.find("name = \"django-helpdesk (local)\"").unwrap();
    let end = start + script[start..].find("\nTOML").unwrap();
    let text = script[start..end]
        .replace("$web", "8000")
        .replace("$queue", "1")
        .replace("$hook", "8001");
    let django: toml::Value = toml::from_str(&text).unwrap();
    let doc = serde_json::to_value(django).unwrap();
    assert_eq!(errors(&v, &doc), Vec::<String>::new(), "{doc}");
    let mut doc = toml_as_json(&root("targets/serve.toml"));
    doc["adapter"] = json!("carrier-pigeon");
    assert!(!errors(&v, &doc).is_empty(), "an unknown adapter");
    let mut doc = toml_as_json(&root("targets/serve.toml"));
    doc["reply"]["mode"] = json!("telepathy");
    assert!(!errors(&v, &doc).is_empty(), "an unknown reply mode");
    let mut doc = toml_as_json(&root("targets/serve.toml"));
    doc["timeout"] = json!("soon");
    assert!(!errors(&v, &doc).is_empty(), "a bad timeout");
    let mut doc = toml_as_json(&root("targets/saas/zendesk.toml"));
    doc["reply"]["skip"] = json!("/via/channel");
    assert!(!errors(&v, &doc).is_empty(), "skip rules not in an array");
    let mut doc = toml_as_json(&root("targets/saas/zendesk.toml"));
    doc["auth"]["basic"] = json!(["agent", "secret"]);
    assert!(
        !errors(&v, &doc).is_empty(),
        "basic credentials not a string"
    );
}
