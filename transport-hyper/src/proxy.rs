//! Proxies: the types and the sans-IO `CONNECT` logic live in [`slack_core::proxy`], shared
//! by every transport.

pub use slack_core::proxy::{EnvProxies, NoProxy, Proxy};
