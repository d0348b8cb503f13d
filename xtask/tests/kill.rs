//! `cargo xtask codegen` survives SIGKILL at any moment: afterwards the output is entirely
//! the old tree or entirely the new one, or it holds a committed journal that the next run
//! completes; and the next run always succeeds.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

#[allow(dead_code)]
#[path = "../src/bench/synth.rs"]
mod synth;

const STAGING: &str = ".livegen-staging";
/// Operations in the synthetic spec by default (`LIVEGEN_KILL_OPS` for more, e.g. 1500).
/// A debug-built generator spends about 10 ms per operation, and every round runs it.
const OPERATIONS: usize = 30;
/// Rounds by default (`LIVEGEN_KILLS`).
const KILLS: usize = 50;
/// What `codegen` prints, flushed, just before it starts writing.
const MARKER: &str = "codegen: staging";

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Spawns codegen; returns the child once it has announced the write phase (or exited).
fn spawn_until_marker(spec: &Path, out: &Path) -> std::process::Child {
    use std::io::BufRead;
    let mut child = codegen(spec, out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn xtask");
    let stdout = child.stdout.take().expect("piped");
    let mut lines = std::io::BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        if line.is_ok_and(|l| l.starts_with(MARKER)) {
            break;
        }
    }
    // Keeps draining so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    child
}

type Tree = BTreeMap<PathBuf, Vec<u8>>;

/// Every file below `dir` except the staging directory.
fn tree(dir: &Path) -> Tree {
    let mut out = Tree::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let Ok(entries) = fs::read_dir(dir.join(&rel)) else {
            continue;
        };
        for entry in entries {
            let entry = entry.expect("entry");
            let path = rel.join(entry.file_name());
            if rel.as_os_str().is_empty() && entry.file_name() == STAGING {
                continue;
            }
            if entry.file_type().expect("type").is_dir() {
                stack.push(path);
            } else {
                out.insert(path.clone(), fs::read(dir.join(&path)).expect("read"));
            }
        }
    }
    out
}

fn codegen(spec: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.arg("codegen")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out);
    cmd
}

fn run_ok(spec: &Path, out: &Path) -> Output {
    let output = codegen(spec, out).output().expect("spawn xtask");
    assert!(
        output.status.success(),
        "codegen failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn codegen_survives_sigkill_at_any_moment() {
    let operations = env_or("LIVEGEN_KILL_OPS", OPERATIONS);
    let kills = env_or("LIVEGEN_KILLS", KILLS);
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kill-test");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).expect("scratch");
    let spec = scratch.join("spec.yaml");
    let out = scratch.join("out");
    let texts = {
        let old = synth::spec(operations);
        let new = old.replace(
            "modelled on real Live API actions.",
            "modelled on real Live API actions (revised).",
        );
        assert_ne!(old, new);
        [old, new]
    };
    let started = Instant::now();

    fs::write(&spec, &texts[0]).expect("spec");
    run_ok(&spec, &out);
    let old = tree(&out);
    fs::write(&spec, &texts[1]).expect("spec");
    let t = Instant::now();
    let mut child = spawn_until_marker(&spec, &out);
    let generating = t.elapsed();
    assert!(child.wait().expect("wait").success(), "calibration run");
    let full_run = t.elapsed();
    let writing = full_run - generating;
    let new = tree(&out);
    assert_ne!(old, new);
    let trees = [old, new];

    // Index of the tree on disk; each round regenerates towards the other one.
    let mut current = 1;
    let (mut mid_stage, mut mid_commit, mut after) = (0, 0, 0);
    let mut rng = fastrand::Rng::with_seed(0x11fe_6e11);
    for round in 0..kills {
        let target = 1 - current;
        fs::write(&spec, &texts[target]).expect("spec");
        // Most kills aim at the write phase, where the danger is; every fifth lands
        // anywhere in the run, generation included.
        let (mut child, delay) = if round % 5 == 4 {
            let child = codegen(&spec, &out)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("spawn xtask");
            let delay = full_run.mul_f64(rng.f64() * 1.1);
            (child, delay)
        } else {
            (
                spawn_until_marker(&spec, &out),
                writing.mul_f64(rng.f64() * 2.5),
            )
        };
        std::thread::sleep(delay);
        // SIGKILL on Unix: no destructor, no cleanup runs.
        let _ = child.kill();
        let _ = child.wait();

        let staging = out.join(STAGING);
        let on_disk = tree(&out);
        if staging.join("COMMIT").exists() {
            // Killed between the commit point and the end. `--check` writes nothing, so it
            // refuses to diff the half-applied tree …
            let check = codegen(&spec, &out).arg("--check").output().expect("check");
            let stderr = String::from_utf8_lossy(&check.stderr);
            assert!(
                !check.status.success() && stderr.contains("committed but unfinished"),
                "round {round}: --check must refuse:\n{stderr}"
            );
            // … and the next run rolls forward.
            let output = run_ok(&spec, &out);
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                stdout.contains("an interrupted run was completed") && stdout.contains("0 written"),
                "round {round}: the journal alone must complete the run:\n{stdout}"
            );
            assert!(
                tree(&out) == trees[target],
                "round {round}: completed tree differs"
            );
            mid_commit += 1;
            current = target;
        } else if on_disk == trees[target] {
            after += 1;
            current = target;
        } else {
            assert!(
                on_disk == trees[current],
                "round {round}: killed after {delay:?}, the output is neither the old nor the new tree"
            );
            mid_stage += 1;
        }
    }

    fs::write(&spec, &texts[1]).expect("spec");
    run_ok(&spec, &out);
    assert!(tree(&out) == trees[1], "the final run leaves the new tree");
    assert!(!out.join(STAGING).exists(), "no staging directory is left");
    let last = tree(&out);
    let stray: Vec<&PathBuf> = last
        .keys()
        .filter(|p| p.to_string_lossy().contains("livegen-tmp"))
        .collect();
    assert!(stray.is_empty(), "stray temporary files: {stray:?}");
    let check = codegen(&spec, &out).arg("--check").output().expect("check");
    assert!(check.status.success(), "--check agrees after the kills");
    println!(
        "kill test: {kills} kills, {mid_stage} mid-stage (old kept), {mid_commit} mid-commit \
         (completed next run), {after} after finish; {operations} operations, {} files, one \
         run {full_run:.2?} ({writing:.2?} writing), all {:.1?}",
        last.len(),
        started.elapsed()
    );
    let _ = fs::remove_dir_all(&scratch);
}
