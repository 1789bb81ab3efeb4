//! State for the families beyond messaging: calls, canvases, lists, the app's datastores and
//! manifests, workflow triggers, custom functions and their executions, assistant threads,
//! file comments, and the OpenID Connect sign-in flow.
//!
//! Records are plain JSON objects shaped as Slack answers them (as `files` and `views` are),
//! keyed by id in `BTreeMap`s so listings come out in a stable order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An authorization code handed out by the OpenID Connect authorize step, not used yet.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct OidcCode {
    pub(crate) user: String,
    pub(crate) redirect_uri: String,
    /// Unix seconds after which the code is refused (`invalid_code`).
    pub(crate) expires: u64,
}

/// Everything the second family of methods keeps. The app's OAuth client credentials are
/// not here: `apps.uninstall` and `openid.connect.token` check the ones in
/// [`crate::oauth`] (`Workspace::oauth`), as `oauth.v2.access` does.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Extras {
    /// `calls.add` calls by id (`R…`).
    pub(crate) calls: BTreeMap<String, Value>,
    /// Canvases by id (`F…`), with their `sections` and `access` kept beside Slack's fields.
    pub(crate) canvases: BTreeMap<String, Value>,
    /// Channel canvases: channel id → canvas id.
    pub(crate) channel_canvases: BTreeMap<String, String>,
    /// Lists by id (`F…`): the list, its `items` and `access`.
    pub(crate) lists: BTreeMap<String, Value>,
    /// `slackLists.download.start` jobs by id.
    pub(crate) list_jobs: BTreeMap<String, Value>,
    /// Datastores: name → item id → item.
    pub(crate) datastores: BTreeMap<String, BTreeMap<String, Value>>,
    /// Apps created with `apps.manifest.create` (and the seeded app): app id → record
    /// (`manifest`, `credentials`, `icon`, `managed_permissions`).
    pub(crate) apps: BTreeMap<String, Value>,
    /// Workflow triggers: trigger id → `{permission_type, user_ids, channel_ids, team_ids, org_ids}`.
    pub(crate) triggers: BTreeMap<String, Value>,
    /// Featured workflows: channel id → trigger ids.
    pub(crate) featured: BTreeMap<String, Vec<String>>,
    /// The app's custom functions: function id → `{callback_id, permission_type, user_ids, steps}`.
    pub(crate) functions: BTreeMap<String, Value>,
    /// Function executions: execution id → `{function_id, state, outputs, error}`.
    pub(crate) executions: BTreeMap<String, Value>,
    /// Assistant threads: `channel/thread_ts` → `{status, title, prompts}`.
    pub(crate) assistant_threads: BTreeMap<String, Value>,
    /// Agent sessions: `channel/thread_ts` → `{title, status}`.
    pub(crate) agent_sessions: BTreeMap<String, Value>,
    /// External auth tokens (`apps.auth.external.*`): token id → record.
    pub(crate) external_tokens: BTreeMap<String, Value>,
    /// `apps.user.connection.update`: user → status.
    pub(crate) user_connections: BTreeMap<String, String>,
    /// File comments: file id → comments.
    pub(crate) file_comments: BTreeMap<String, Vec<Value>>,
    /// OpenID Connect codes not used yet.
    pub(crate) oidc_codes: BTreeMap<String, OidcCode>,
    /// OpenID Connect refresh tokens → user.
    pub(crate) oidc_refresh: BTreeMap<String, String>,
    /// App configuration refresh tokens (`tooling.tokens.rotate`, `xoxe-…`) → user.
    pub(crate) tooling_refresh: BTreeMap<String, String>,
    /// The app's activity log (`apps.activities.list`), oldest first.
    pub(crate) activities: Vec<Value>,
}

impl Extras {
    /// The seeded extras: the app's manifest (with two datastores and
    /// a custom function), one running execution of that function (`Fx{tag}0001`), two
    /// workflow triggers (`Ft{tag}0001` open to everyone and featured in `#general`,
    /// `Ft{tag}0002` limited to its collaborators), a configuration refresh token for ada
    /// (`xoxe-1-{seed}-emulator-ada`) and a first activity-log entry.
    pub(crate) fn seeded(seed: u64, tag: &str, app_id: &str, general: &str, owner: &str) -> Self {
        let function = format!("Fn{tag}0001");
        let manifest = serde_json::json!({
            "_metadata": {"major_version": 2, "minor_version": 1},
            "display_information": {"name": "Emulator App", "description": "The emulated app"},
            "features": {"bot_user": {"display_name": "emulator-bot", "always_online": true}},
            "oauth_config": {"scopes": {"bot": ["chat:write", "channels:read"]}},
            "settings": {"socket_mode_enabled": true, "org_deploy_enabled": true,
                         "function_runtime": "slack"},
            "functions": {"greet": {"title": "Greet", "description": "Say hello",
                                    "input_parameters": {"properties": {"name": {"type": "string"}}},
                                    "output_parameters": {"properties": {"greeting": {"type": "string"}}}}},
            "datastores": {
                "tasks": {"primary_key": "id", "attributes": {"id": {"type": "string"},
                          "title": {"type": "string"}, "done": {"type": "boolean"}}},
                "notes": {"primary_key": "id", "attributes": {"id": {"type": "string"},
                          "text": {"type": "string"}}},
            },
        });
        let mut apps = BTreeMap::new();
        apps.insert(
            app_id.to_owned(),
            serde_json::json!({"app_id": app_id, "manifest": manifest, "creator": owner,
                               "team_id": "", "icon": null, "managed_permissions": null}),
        );
        let mut functions = BTreeMap::new();
        functions.insert(
            function.clone(),
            serde_json::json!({"id": function, "callback_id": "greet", "app_id": app_id,
                               "title": "Greet", "permission_type": "app_collaborators",
                               "user_ids": [owner]}),
        );
        let mut executions = BTreeMap::new();
        executions.insert(
            format!("Fx{tag}0001"),
            serde_json::json!({"function_id": function, "state": "running",
                               "inputs": {"name": "Ada"}}),
        );
        let mut triggers = BTreeMap::new();
        let open = format!("Ft{tag}0001");
        triggers.insert(
            open.clone(),
            serde_json::json!({"permission_type": "everyone", "user_ids": [], "channel_ids": [],
                               "team_ids": [], "org_ids": [], "workflow": "Wf{tag}0001"}),
        );
        triggers.insert(
            format!("Ft{tag}0002"),
            serde_json::json!({"permission_type": "app_collaborators", "user_ids": [owner],
                               "channel_ids": [], "team_ids": [], "org_ids": [],
                               "workflow": "Wf{tag}0002"}),
        );
        let mut featured = BTreeMap::new();
        featured.insert(general.to_owned(), vec![open]);
        let mut tooling_refresh = BTreeMap::new();
        tooling_refresh.insert(format!("xoxe-1-{seed}-emulator-ada"), owner.to_owned());
        Extras {
            apps,
            functions,
            executions,
            triggers,
            featured,
            tooling_refresh,
            activities: vec![serde_json::json!({
                "event_type": "function_execution_started", "source": "slack",
                "component_type": "custom_function", "component_id": function,
                "level": "info", "created": 1_700_000_000_000_000_u64,
                "trace_id": format!("Tr{tag}0001"), "app_id": app_id,
                "payload": {"function_execution_id": format!("Fx{tag}0001")},
            })],
            ..Extras::default()
        }
    }
}
