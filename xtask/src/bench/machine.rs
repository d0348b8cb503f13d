//! What machine a benchmark report was measured on: CPU, memory, tool versions and the
//! load average when the run started.

use std::fs;
use std::process::Command;

use super::{Ctx, Report, load_average};

/// The machine table every report opens with: CPU, memory, tool versions, load.
pub fn table(ctx: &Ctx, report: &mut Report) {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or("unknown".to_owned(), |kb| {
            format!("{:.0} GiB", kb as f64 / 1024.0 / 1024.0)
        });
    let version = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .output()
            .ok()
            .map(|o| {
                let text = String::from_utf8_lossy(&o.stdout).into_owned()
                    + &String::from_utf8_lossy(&o.stderr);
                text.lines().next().unwrap_or("").trim().to_owned()
            })
            .unwrap_or_else(|| "not found".to_owned())
    };
    let mut rows = vec![
        vec!["CPU".to_owned(), format!("{cpu}, {cores} cores (nproc)")],
        vec!["Memory".to_owned(), memory],
        vec!["rustc".to_owned(), version("rustc", "--version")],
        vec!["java".to_owned(), version("java", "-version")],
    ];
    if let Some(python) = &ctx.python {
        rows.push(vec![
            "python".to_owned(),
            version(&python.to_string_lossy(), "--version"),
        ]);
    }
    rows.push(vec!["load average at start".to_owned(), load_average()]);
    report.table(&["", ""], &rows);
}
