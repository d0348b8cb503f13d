//! The codegen section's tables: one row per case and generator, livegen's output size
//! per operation, and how its time grows with the operation count.

use std::fs;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};

use super::tools::Tool;
use super::{Case, OPENAPI_GENERATOR, PROGENITOR_VERSION, first_lines};
use crate::bench::{Ctx, Report, Stats, any_file, count_lines, fmt_ms, is_rust, smoke_check};

/// Everything measured so far, ready to be written as the report.
#[derive(Default)]
pub(super) struct Results {
    rows: Vec<Vec<String>>,
    per_op: Vec<Vec<String>>,
    ours_medians: Vec<(usize, String, Duration)>,
    pub(super) failures: Vec<String>,
}

impl Results {
    /// The row of `tool` on `case`. Our own tool failing is a bug, not a data point.
    pub(super) fn add(&mut self, ctx: &Ctx, case: &Case, tool: &Tool) -> Result<()> {
        let (Some(stats), None) = (Stats::of(&tool.samples), &tool.failure) else {
            let why = tool.failure.clone().unwrap_or_else(|| "no runs".to_owned());
            let mut row = vec![case.name.clone(), tool.name.to_owned(), "failed".to_owned()];
            row.extend(["—", "—", "—"].map(str::to_owned));
            self.rows.push(row);
            self.failures.push(format!(
                "{} on {}: {}",
                tool.name,
                case.name,
                first_lines(&why, 6)
            ));
            anyhow::ensure!(
                tool.name != "livegen",
                "livegen codegen failed on {}: {why}",
                case.name
            );
            return Ok(());
        };
        let (rs_files, rs_lines) = count_lines(&tool.out, &is_rust)?;
        let (files, lines) = count_lines(&tool.out, &any_file)?;
        smoke_check(
            ctx,
            rs_lines > 0 && !stats.median.is_zero(),
            &format!("{} on {} produced no Rust", tool.name, case.name),
        )?;
        let check = Stats::of(&tool.check).map_or("—".to_owned(), |c| {
            format!("{} / {}", fmt_ms(c.min), fmt_ms(c.median))
        });
        if tool.name == "livegen" {
            self.ours_medians
                .push((case.ops, case.name.clone(), stats.median));
            let code = code_lines(&tool.out.join("src"))?;
            self.per_op.push(vec![
                case.name.clone(),
                case.ops.to_string(),
                code.to_string(),
                format!("{:.1}", code as f64 / case.ops.max(1) as f64),
            ]);
        }
        self.rows.push(vec![
            case.name.clone(),
            tool.name.to_owned(),
            format!("{} / {}", fmt_ms(stats.min), fmt_ms(stats.median)),
            check,
            format!("{rs_lines} ({rs_files} files)"),
            format!("{lines} ({files} files)"),
        ]);
        Ok(())
    }

    pub(super) fn write(self, ctx: &Ctx, report: &mut Report, progenitor: bool) {
        report.line(format!(
            "Peers: {OPENAPI_GENERATOR} (`openapi-generator-cli generate -g rust`, PyPI wrapper \
             around its bundled jar, Java 17){}. Wall time of one process run, min / median of \
             {} run(s), output directory removed before each run (every file written). \
             `--check` runs on the freshly written directory (reads and compares every file). \
             Lines: Rust files / all files written.",
            if progenitor {
                format!(", cargo-progenitor {PROGENITOR_VERSION}")
            } else {
                String::new()
            },
            ctx.runs
        ));
        report.line("");
        report.table(
            &[
                "spec",
                "tool",
                "codegen min / median",
                "--check min / median",
                "Rust lines",
                "all lines",
            ],
            &self.rows,
        );
        report.line("");
        report.line(
            "Size of livegen's output: non-blank, non-comment lines of Rust (rustdoc excluded) \
             in the generated crate, per operation.",
        );
        report.line("");
        report.table(
            &["spec", "operations", "Rust code lines", "per operation"],
            &self.per_op,
        );
        growth(&self.ours_medians, report);
        for f in self.failures {
            report.note(f);
        }
        if ctx.python.is_none() {
            report.note("openapi-generator skipped (--no-python)");
        } else if !ctx.java {
            report.note(
                "openapi-generator skipped: it runs a jar and `java` is not on PATH (install \
                 Java 17+ to compare with it)",
            );
        }
        if ctx.smoke {
            report.note(
                "progenitor is only tried in the full run (installing it compiles ~200 crates)",
            );
        }
    }
}

/// Non-blank lines of the `.rs` files under `dir` that are not comments (docs included).
fn code_lines(dir: &Path) -> Result<usize> {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if is_rust(&path) {
                let text = fs::read_to_string(&path)?;
                total += text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with("//"))
                    .count();
            }
        }
    }
    Ok(total)
}

fn growth(medians: &[(usize, String, Duration)], report: &mut Report) {
    let synthetic: Vec<&(usize, String, Duration)> = medians
        .iter()
        .filter(|(_, name, _)| name.starts_with("synthetic"))
        .collect();
    let (Some(first), Some(last)) = (synthetic.first(), synthetic.last()) else {
        return;
    };
    if last.0 <= first.0 {
        return;
    }
    let per_op = (last.2.as_secs_f64() - first.2.as_secs_f64()) / (last.0 - first.0) as f64;
    let mut line = format!(
        "livegen growth {} → {} ops: {} → {} median ({:.1}×), {:.2} ms per added operation",
        first.0,
        last.0,
        fmt_ms(first.2),
        fmt_ms(last.2),
        last.2.as_secs_f64() / first.2.as_secs_f64(),
        per_op * 1e3
    );
    if synthetic.len() >= 3 {
        let mid = synthetic[synthetic.len() - 2];
        let low = (mid.2.as_secs_f64() - first.2.as_secs_f64()) / (mid.0 - first.0) as f64;
        let high = (last.2.as_secs_f64() - mid.2.as_secs_f64()) / (last.0 - mid.0) as f64;
        line += &format!(
            "; per added op {:.2} ms ({}→{}) vs {:.2} ms ({}→{}), marginal cost ×{:.2}: {}",
            low * 1e3,
            first.0,
            mid.0,
            high * 1e3,
            mid.0,
            last.0,
            high / low,
            if high <= low * 1.1 {
                "linear"
            } else if high <= low * 1.5 {
                "near-linear"
            } else {
                "super-linear"
            }
        );
    }
    if last.0 >= 500 {
        line += &format!(
            "; 500 ops {} the 1 s target",
            if last.2 < Duration::from_secs(1) {
                "meets"
            } else {
                "misses"
            }
        );
    }
    report.line("");
    report.note(line);
}
