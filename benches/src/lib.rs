//! Generators of synthetic compose projects for the benchmarks and the comparison script.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

/// A realistic Factory project with `services` services: a shared anchor merged into each one,
/// Traefik labels, an environment with variables, some cron jobs and one-shot services.
#[must_use]
pub fn generated_project(services: usize) -> String {
    let mut out = String::with_capacity(services * 420 + 512);
    out.push_str(
        "version: \"3\"\nx-base: &base\n  image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n  restart: always\n  logging:\n    driver: json-file\n    options:\n      max-size: 10m\n  healthcheck:\n    test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:9000/\"]\n    interval: 30s\n    retries: 3\nservices:\n",
    );
    for i in 0..services {
        let _ = write!(
            out,
            "  svc{i}:\n    <<: *base\n    expose: [\"9000\"]\n    environment:\n      ENV: ${{CI_ENVIRONMENT_NAME}}\n      INDEX: \"{i}\"\n      API_URL: http://svc{}:9000/\n",
            (i + 1) % services.max(1)
        );
        match i % 10 {
            0 => {
                let _ = write!(
                    out,
                    "    command: /bin/false\n    restart: \"no\"\n    labels:\n      sh.factory.cronjob.schedule: \"{} * * * *\"\n      sh.factory.cronjob.command: \"echo job {i}\"\n",
                    i % 60
                );
            }
            1 => out.push_str("    command: ./migrate.sh\n    restart: \"no\"\n    labels: []\n"),
            _ => {
                let _ = write!(
                    out,
                    "    labels:\n      traefik.enable: 'true'\n      traefik.frontend.rule: Host:svc{i}.${{CI_ENVIRONMENT_DOMAIN}};PathPrefix:/api/v{i}\n      traefik.port: \"9000\"\n      traefik.tags: web\n"
                );
            }
        }
        if i > 0 && i % 5 == 0 {
            let _ = writeln!(out, "    depends_on: [svc{}]", i - 1);
        }
    }
    out
}

/// The `.env` that goes with [`generated_project`].
#[must_use]
pub fn generated_dotenv() -> &'static str {
    "CI_REGISTRY_IMAGE=registry.example/bench\nCI_COMMIT_SHA=0123abcd\nCI_ENVIRONMENT_NAME=dev\nCI_ENVIRONMENT_DOMAIN=dev.factory\n"
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_generated_project_grows_linearly() {
        let small = super::generated_project(10).len();
        let big = super::generated_project(1000).len();
        assert!(big > 90 * small && big < 110 * small, "{small} {big}");
    }
}
