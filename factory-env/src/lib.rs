//! Variables for Docker Compose projects on the Factory platform.
//!
//! - [`Template`]: Compose-exact interpolation templates (`$VAR`, `${VAR:-default}`, `$$`, …) with
//!   byte spans, rendering over any [`Lookup`], and the syntax Compose v1 did not support;
//! - [`dotenv`]: the `.env` grammar of `docker compose` v2, with spans and line:column errors;
//! - [`Variables`]: the platform's variable model for the development and deploy environments,
//!   with [`Secret`] values that never print themselves.
//!
//! Pure: no file, environment or clock access; callers pass text and lookups in.
//!
//! ```
//! use factory_env::{dotenv, Template, Variables};
//!
//! // Development: the process environment wins over `.env`.
//! let entries = dotenv::parse("DOMAIN=local.test\nPORT=8000\n", &())?;
//! let process = vec![("PORT".to_owned(), "9000".to_owned())];
//! let vars = Variables::dev(process, &entries);
//!
//! let template = Template::parse("Host:${DOMAIN};Port:${PORT:-80};Mail:$SMTP")?;
//! let rendered = template.render(&vars)?;
//! assert_eq!(rendered.value, "Host:local.test;Port:9000;Mail:");
//! assert_eq!(rendered.unset[0].name, "SMTP"); // FE002: Compose substitutes ""
//!
//! // Syntax errors point at the exact place.
//! let err = Template::parse("${A.B}").unwrap_err();
//! assert_eq!(err.span, 3..4);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod dotenv;
mod goquote;
mod letters;
mod lookup;
mod secret;
pub mod template;
mod variables;

pub use dotenv::{DotenvEntry, DotenvError};
pub use lookup::{Budgeted, Chain, FnLookup, Lookup};
pub use secret::{CredentialKind, MASK, Secret, find_credential};
pub use template::{
    InterpolateError, Op, RenderError, Rendered, Template, TemplateError, TemplateErrorKind,
    VarUse, escape_dollars, has_interpolation, interpolate,
};
pub use variables::{
    DeployContext, MAIL_VARIABLES, METRICS_VARIABLES, ManagedService, Masked, MissingSecret,
    PLATFORM_SECRETS, Source, SvProblem, Value, Variable, Variables, looks_secret,
    parse_secret_name, url_host,
};
