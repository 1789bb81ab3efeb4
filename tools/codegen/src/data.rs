//! Loading `../shared/data`: the method list, per-method facts, tiers and OpenAPI details.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// Facts about one method, merged from every source.
#[derive(Debug, Clone, Default)]
pub struct Method {
    pub name: String,
    pub verb: String,
    pub required: Vec<String>,
    pub optional: Vec<String>,
    /// `no`, `yes`, `warning:method_deprecated`, `legacy (retired family)`.
    pub deprecated: String,
    pub tier: String,
    pub bot_scopes: Vec<String>,
    pub user_scopes: Vec<String>,
    /// `true`, `false` or empty.
    pub json: String,
    pub description: String,
    /// OpenAPI parameters: name → (type, description).
    pub params: BTreeMap<String, (String, String)>,
    /// OpenAPI success schema: top-level array properties.
    pub array_fields: Vec<String>,
}

/// Every method of the coverage list, sorted by name.
pub fn load(dir: &Path) -> Result<Vec<Method>, String> {
    let read = |f: &str| {
        std::fs::read_to_string(dir.join(f)).map_err(|e| format!("{}: {e}", dir.join(f).display()))
    };
    let coverage = tsv(&read("method-coverage.tsv")?);
    let current: BTreeMap<String, Vec<String>> = tsv(&read("web-api-methods-current.tsv")?)
        .into_iter()
        .map(|r| (r[0].clone(), r))
        .collect();
    let older: BTreeMap<String, Vec<String>> = tsv(&read("web-api-methods.tsv")?)
        .into_iter()
        .map(|r| (r[0].clone(), r))
        .collect();
    let tiers: BTreeMap<String, String> = tsv(&read("method-tiers.tsv")?)
        .into_iter()
        .map(|r| (r[0].clone(), col(&r, 1)))
        .collect();
    let openapi: Value = serde_json::from_str(&read("slack_web_openapi_v2.json")?)
        .map_err(|e| format!("openapi: {e}"))?;

    let mut out = Vec::new();
    for row in coverage {
        let name = row[0].clone();
        let mut m = Method {
            name: name.clone(),
            deprecated: col(&row, 3),
            ..Method::default()
        };
        if let Some(r) = current.get(&name) {
            m.verb = col(r, 1);
            m.required = list(&col(r, 2));
            m.optional = list(&col(r, 3));
            m.tier = col(r, 5);
            m.bot_scopes = list(&col(r, 6));
            m.user_scopes = list(&col(r, 7));
            m.json = col(r, 9);
            m.description = col(r, 10);
        } else if let Some(r) = older.get(&name) {
            m.verb = col(r, 1).split(',').next().unwrap_or("POST").to_owned();
            m.required = list(&col(r, 2));
            m.optional = list(&col(r, 3));
            m.user_scopes = list(&col(r, 5));
            m.description = col(r, 6);
        }
        if m.tier.is_empty() {
            m.tier = tiers.get(&name).cloned().unwrap_or_default();
        }
        load_openapi(&openapi, &mut m);
        out.push(m);
    }
    // Retired methods without facts of their own take their replacement's arguments.
    let by_name: BTreeMap<String, Method> =
        out.iter().map(|m| (m.name.clone(), m.clone())).collect();
    for m in &mut out {
        if m.verb.is_empty() {
            if let Some(rep) = crate::rules::replacement(&m.name).and_then(|r| by_name.get(r)) {
                m.verb = rep.verb.clone();
                m.required = rep.required.clone();
                m.optional = rep.optional.clone();
                m.json = rep.json.clone();
                m.params = rep.params.clone();
                m.array_fields = rep.array_fields.clone();
                m.bot_scopes = rep.bot_scopes.clone();
                m.user_scopes = rep.user_scopes.clone();
                if m.tier.is_empty() {
                    m.tier = rep.tier.clone();
                }
                if m.description.is_empty() {
                    m.description = format!("Retired: use `{}` instead.", rep.name);
                }
            } else {
                m.verb = "POST".into();
            }
        }
        m.required.retain(|a| a != "token");
        m.optional
            .retain(|a| a != "token" && !m.required.contains(a));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    Ok(out)
}

fn load_openapi(openapi: &Value, m: &mut Method) {
    let Some(ops) = openapi["paths"]
        .get(format!("/{}", m.name))
        .and_then(Value::as_object)
    else {
        return;
    };
    for op in ops.values() {
        for p in op["parameters"].as_array().into_iter().flatten() {
            let (Some(name), ty) = (p["name"].as_str(), p["type"].as_str().unwrap_or("string"))
            else {
                continue;
            };
            let desc = p["description"].as_str().unwrap_or("").to_owned();
            m.params.insert(name.to_owned(), (ty.to_owned(), desc));
        }
        let props = &op["responses"]["200"]["schema"]["properties"];
        if let Some(props) = props.as_object() {
            for (k, v) in props {
                if v["type"] == "array"
                    && k != "warnings"
                    && k != "response_metadata"
                    && !m.array_fields.contains(k)
                {
                    m.array_fields.push(k.clone());
                }
            }
        }
    }
}

fn tsv(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

fn col(row: &[String], i: usize) -> String {
    row.get(i).map(|s| s.trim().to_owned()).unwrap_or_default()
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}
