//! `admin.*` over the org (placeholder while the families are written).

use super::{not_modelled, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

pub(crate) fn run(_ws: &mut Workspace, _ctx: &mut Ctx<'_>, method: &str, _req: &ApiRequest) -> Outcome {
    Err(not_modelled(method))
}
