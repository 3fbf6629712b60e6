//! Writes a generated project for `benches/compare.sh`: `generate SERVICES DIR` creates
//! `DIR/docker-compose.yml` and `DIR/.env` ([`factory_benches::generated_project`]).
#![allow(clippy::disallowed_methods)]

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(dir)) = (
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
        args.get(2),
    ) else {
        let _ =
            std::io::Write::write_all(&mut std::io::stderr(), b"usage: generate SERVICES DIR\n");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| {
            std::fs::write(
                dir.join("docker-compose.yml"),
                factory_benches::generated_project(n),
            )
        })
        .and_then(|()| std::fs::write(dir.join(".env"), factory_benches::generated_dotenv()));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!("generate: {e}\n").as_bytes(),
            );
            ExitCode::FAILURE
        }
    }
}
