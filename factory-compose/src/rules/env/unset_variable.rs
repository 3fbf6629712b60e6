use crate::rules::{declare_rule, reported_elsewhere};

declare_rule! {
    /// ## What it does
    /// In development, reports each use of a variable that is set neither in the environment nor
    /// in `.env`, and has no default: in the compose files, and in the `.env`'s own values
    /// (`URL=http://${HOST}/`, where Compose warns too). When the empty string makes the value
    /// wrong, so that another rule reports an error there (`- ${DATA}:/data` is a volume with
    /// no source), that error names the variable and says how to set it, and FE002 is not
    /// reported besides: one problem, one diagnostic.
    ///
    /// ## Why is this bad?
    /// Compose only warns and substitutes an empty string: `image: ${CI_REGISTRY_IMAGE}/app`
    /// becomes `/app`, `Host:${CI_ENVIRONMENT_DOMAIN}` becomes `Host:`. The service starts
    /// with a broken value. (In deploy mode FE007 reports the same use, with the reason.)
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       API_URL: ${API_URL}
    /// ```
    ///
    /// Use instead: set the variable in `.env`, or give a default.
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       API_URL: ${API_URL:-http://api:9000}
    /// ```
    pub(crate) struct UnsetVariable {
        code: "FE002",
        name: "unset-variable",
        severity: Warning,
        summary: "variable not set and no default (Compose substitutes an empty string)",
    }
}
reported_elsewhere!(UnsetVariable);
