//! One traffic graph, fetch + draw, against `rrdtool graph` of the same file at the same size,
//! in one run: a day (the 5-minute archive) and a year (the daily archive), 697 x 300, SVG and
//! PNG. rrdtool runs as one `rrdtool -` process fed a command per graph through its pipe
//! mode, so no process start is counted (the same work as its library in-process: parse the
//! command, fetch, draw, encode, write the image).
//!
//! `cargo bench -p osprey-web --bench graph` (BENCHMARKS.md, "Graphs (issue 6)").

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use criterion::{Criterion, criterion_group, criterion_main};
use poller::layout::Graph;
use web::graph::{Format, Range, Theme, render};

const STEP: i64 = 300;
const SIZE: (u32, u32) = (697, 300);

/// A traffic file of the poller's layout with 400 days of 5-minute readings ending at `end`.
fn traffic_file(dir: &Path, end: i64) -> std::path::PathBuf {
    let path = dir.join("traffic-eth0.rrd");
    let start = end - 400 * 86_400;
    let args = [
        path.display().to_string(),
        "--start".into(),
        (start - STEP).to_string(),
        "--step".into(),
        STEP.to_string(),
        "DS:in:COUNTER:600:0:125000000".into(),
        "DS:out:COUNTER:600:0:125000000".into(),
        "RRA:AVERAGE:0.5:1:600".into(),
        "RRA:MAX:0.5:1:600".into(),
        "RRA:AVERAGE:0.5:6:700".into(),
        "RRA:MAX:0.5:6:700".into(),
        "RRA:AVERAGE:0.5:24:775".into(),
        "RRA:MAX:0.5:24:775".into(),
        "RRA:AVERAGE:0.5:288:797".into(),
        "RRA:MAX:0.5:288:797".into(),
    ];
    rrd::create::create(&args).unwrap();
    let (mut a, mut b) = (0u64, 0u64);
    let mut readings = Vec::new();
    let mut k = 0u64;
    let mut t = start;
    while t <= end {
        let x = k as f64 / 20.0;
        a += ((1.0e6 + 5.0e5 * x.sin()) * STEP as f64) as u64;
        b += ((2.0e5 + 1.0e5 * x.cos()) * STEP as f64) as u64;
        readings.push(format!("{t}:{a}:{b}"));
        if readings.len() == 5000 {
            rrd::update::update_file(&path, rrd::update::UpdateOptions::default(), &readings).unwrap();
            readings.clear();
        }
        k += 1;
        t += STEP;
    }
    rrd::update::update_file(&path, rrd::update::UpdateOptions::default(), &readings).unwrap();
    path
}

/// `rrdtool -`: one process taking graph commands on stdin.
struct RrdtoolPipe {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl RrdtoolPipe {
    fn start() -> RrdtoolPipe {
        let mut child =
            Command::new("rrdtool").arg("-").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("rrdtool");
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        RrdtoolPipe { child, input, output }
    }

    /// Runs one command and waits for its `OK` (panics on `ERROR`).
    fn run(&mut self, command: &str) {
        writeln!(self.input, "{command}").unwrap();
        let mut line = String::new();
        loop {
            line.clear();
            assert!(self.output.read_line(&mut line).unwrap() > 0, "rrdtool ended");
            assert!(!line.starts_with("ERROR"), "rrdtool: {line}");
            if line.starts_with("OK") {
                return;
            }
        }
    }
}

impl Drop for RrdtoolPipe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// MRTG's traffic graph in rrdtool: in as a green area, out as a blue line, the 95th
/// percentiles, and cur/avg/max legends, at `SIZE` for the whole image.
fn rrdtool_command(file: &Path, out: &Path, range: Range, format: &str) -> String {
    let f = file.display();
    let mut c = format!(
        "graph {} -a {format} --full-size-mode -w {} -h {} -s {} -e {} -t traffic-eth0 -v bit/s ",
        out.display(),
        SIZE.0,
        SIZE.1,
        range.start,
        range.end
    );
    c.push_str(&format!("DEF:ib={f}:in:AVERAGE DEF:ob={f}:out:AVERAGE CDEF:i=ib,8,* CDEF:o=ob,8,* "));
    c.push_str("VDEF:ip=i,95,PERCENT VDEF:op=o,95,PERCENT ");
    c.push_str("AREA:i#00CC00:In VDEF:il=i,LAST GPRINT:il:cur=%.2lf%s VDEF:ia=i,AVERAGE GPRINT:ia:avg=%.2lf%s ");
    c.push_str("VDEF:im=i,MAXIMUM GPRINT:im:max=%.2lf%s GPRINT:ip:95th=%.2lf%s\\n ");
    c.push_str("LINE1:o#0000FF:Out VDEF:ol=o,LAST GPRINT:ol:cur=%.2lf%s VDEF:oa=o,AVERAGE GPRINT:oa:avg=%.2lf%s ");
    c.push_str("VDEF:om=o,MAXIMUM GPRINT:om:max=%.2lf%s GPRINT:op:95th=%.2lf%s\\n ");
    c.push_str("HRULE:ip#FF7800 HRULE:op#C80078");
    c
}

fn graphs(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let end = now - now % STEP;
    let file = traffic_file(dir.path(), end);
    let kind = Graph::Traffic("eth0".into());
    let have_rrdtool = Path::new("/usr/bin/rrdtool").exists();
    let mut pipe = have_rrdtool.then(RrdtoolPipe::start);
    let mut group = c.benchmark_group("graph");
    group.sample_size(50).measurement_time(std::time::Duration::from_secs(3));
    for view in ["day", "year"] {
        let range = Range::view(view, end).unwrap();
        for (format, name) in [(Format::Svg, "svg"), (Format::Png, "png")] {
            group.bench_function(format!("osprey {view} {name}"), |b| {
                b.iter(|| render(&file, &kind, "traffic-eth0", Some(100_000_000), range, SIZE, format, Theme::Light))
            });
            if let Some(pipe) = pipe.as_mut() {
                let out = dir.path().join(format!("rrdtool-{view}.{name}"));
                let command = rrdtool_command(&file, &out, range, &name.to_uppercase());
                group.bench_function(format!("rrdtool {view} {name}"), |b| b.iter(|| pipe.run(&command)));
            }
        }
    }
    group.finish();
}

criterion_group!(benches, graphs);
criterion_main!(benches);
