//! The rule on Dockerfile, Makefile and GoReleaser texts, without the engine.

use super::*;
use crate::rules::fix::apply_edits;

fn fixed(name: &str, text: &str) -> (String, Vec<Diagnostic>) {
    let found = run_file(name, text, None);
    let edits: Vec<Edit> = found
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|f| f.edits.iter().map(|(_, e)| e.clone()))
        .collect();
    (apply_edits(text, edits), found)
}

#[test]
fn file_names() {
    for n in [
        "Dockerfile",
        "Containerfile",
        "api.Dockerfile",
        "Dockerfile.prod",
        "Makefile",
        "GNUmakefile",
        "makefile",
        "release.mk",
        ".goreleaser.yml",
        ".goreleaser.yaml",
    ] {
        assert!(wants(n), "{n}");
    }
    for n in [
        "Dockerfile.dev",
        "debug.Dockerfile",
        "test.mk",
        "main.go",
        "README.md",
        ".dockerignore",
    ] {
        assert!(!wants(n), "{n}");
    }
}

#[test]
fn test_and_example_directories_are_not_releases() {
    let src = "FROM golang:1.22\nRUN go build -o /app .\n";
    assert_eq!(run_file("deploy/Dockerfile", src, None).len(), 1);
    for p in [
        "test/e2e/Dockerfile",
        "examples/grpc/Dockerfile",
        "dev/Dockerfile",
        "integration-tests/Dockerfile",
    ] {
        assert!(run_file(p, src, None).is_empty(), "{p}");
    }
}

#[test]
fn doc_example_rewrites_to_use_instead() {
    let doc = crate::catalog::docs::doc(&TRANSFORM);
    let block = |h: &str| {
        let after = &doc[doc.find(h).unwrap()..];
        let s = after.find("```dockerfile\n").unwrap() + "```dockerfile\n".len();
        let e = after[s..].find("```").unwrap() + s;
        after[s..e].to_string()
    };
    let (got, found) = fixed("Dockerfile", &block("## Example"));
    assert_eq!(found.len(), 1);
    assert_eq!(got, block("## Use instead"));
}

#[test]
fn dockerfile_continuation_and_mount() {
    let src = "FROM golang:1.22 AS build\nRUN --mount=type=cache,target=/root/.cache/go-build \\\n    go build \\\n      -o /out/app ./cmd/app\n";
    let (got, found) = fixed("Dockerfile", src);
    assert_eq!(found.len(), 1);
    assert!(got.contains("go build -trimpath -ldflags=\"-s -w\" \\\n      -o /out/app"));
    assert!(fixed("Dockerfile", &got).1.is_empty());
    // Tab-indented continuation lines are still a Dockerfile.
    let src = "FROM golang:1.22\nRUN apt-get update && \\\n\tgo build -o /app . && \\\n\trm -rf /var/lib/apt/lists\n";
    let (got, found) = fixed("Dockerfile", src);
    assert_eq!(found.len(), 1);
    assert!(
        got.contains("\tgo build -trimpath -ldflags=\"-s -w\" -o /app . && \\\n"),
        "{got}"
    );
}

#[test]
fn dockerfile_skips_debug_stage_checks_and_sh_c() {
    let src = "FROM golang:1.22 AS debug\nRUN go build -o /app .\nFROM golang:1.22 AS build\nRUN go build ./... && go vet ./...\nRUN sh -c \"go build -o /x .\"\nRUN go build -o /dev/null ./...\n";
    assert!(run_file("Dockerfile", src, None).is_empty());
}

#[test]
fn dockerfile_heredoc_and_arg_are_reported_without_fix() {
    let src = "FROM golang:1.22\nRUN <<EOF\ngo build -o /app .\nEOF\n";
    let f = run_file("Dockerfile", src, None);
    assert_eq!(f.len(), 1);
    assert!(f[0].fix.is_none());
    let src = "FROM golang:1.22\nARG LDFLAGS\nRUN go build -ldflags=\"${LDFLAGS}\" -o /app .\n";
    let f = run_file("Dockerfile", src, None);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("lacks -trimpath:"),
        "{}",
        f[0].message
    );
    assert!(f[0].fix.is_some());
}

#[test]
fn dockerfile_path_args_and_old_gcflags_trimpath() {
    let src = "FROM golang:1.24\nARG APP_ENTRY=./cmd/api\nARG OUT=main\nRUN go build -o ${OUT} ${APP_ENTRY}\n";
    let f = run_file("Dockerfile", src, None);
    assert_eq!(f.len(), 1);
    assert!(f[0].fix.is_some(), "{}", f[0].message);
    let src = "FROM golang:1.24\nARG BUILD_FLAGS=-race\nRUN go build ${BUILD_FLAGS} -o /app .\n";
    assert!(run_file("Dockerfile", src, None)[0].fix.is_none());
    let src = "FROM golang\nRUN go build -ldflags=\"-w -s\" -gcflags=\"-trimpath\" -asmflags=\"-trimpath\" -o /app .\n";
    assert!(run_file("Dockerfile", src, None).is_empty());
}

#[test]
fn dash_c_stays_first() {
    let (got, _) = fixed(
        "Dockerfile",
        "FROM golang\nRUN go build -C services/api -o /api .\n",
    );
    assert_eq!(
        got,
        "FROM golang\nRUN go build -C services/api -trimpath -ldflags=\"-s -w\" -o /api .\n"
    );
    // A generator's build (its output names it) is a developer tool, not a release.
    assert!(
        run_file(
            "Dockerfile",
            "FROM golang\nRUN go build -C tools/gen -o /gen .\n",
            None
        )
        .is_empty()
    );
}

#[test]
fn ldflags_merge_keeps_quoting() {
    let cases = [
        (
            "RUN go build -ldflags \"-X main.v=1\" -o /a .",
            "RUN go build -trimpath -ldflags \"-s -w -X main.v=1\" -o /a .",
        ),
        (
            "RUN go build -ldflags='-X main.v=1' -o /a .",
            "RUN go build -trimpath -ldflags='-s -w -X main.v=1' -o /a .",
        ),
        (
            "RUN go build -ldflags=-X=main.v=1 -o /a .",
            "RUN go build -trimpath -ldflags=\"-s -w -X=main.v=1\" -o /a .",
        ),
        (
            "RUN go build -trimpath -ldflags=\"-s\" -o /a .",
            "RUN go build -trimpath -ldflags=\"-w -s\" -o /a .",
        ),
    ];
    for (a, b) in cases {
        let (got, _) = fixed("Dockerfile", &format!("FROM golang\n{a}\n"));
        assert_eq!(got, format!("FROM golang\n{b}\n"));
    }
}

#[test]
fn makefile_variable_ldflags() {
    let src = "VERSION ?= dev\nLDFLAGS := -X main.version=$(VERSION)\n\nbuild:\n\tgo build -ldflags \"$(LDFLAGS)\" -o bin/app ./cmd/app\n\ndebug:\n\tgo build -gcflags=\"all=-N -l\" -o bin/app-debug ./cmd/app\n";
    let (got, found) = fixed("Makefile", src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        got.contains("LDFLAGS := -s -w -X main.version=$(VERSION)\n"),
        "{got}"
    );
    assert!(
        got.contains("\tgo build -trimpath -ldflags \"$(LDFLAGS)\""),
        "{got}"
    );
    assert!(fixed("Makefile", &got).1.is_empty());
    // The same variable in a debug build: reported, not edited.
    let shared = src.replace(
        "-gcflags=\"all=-N -l\"",
        "-gcflags=\"all=-N -l\" -ldflags \"$(LDFLAGS)\"",
    );
    let f = run_file("Makefile", &shared, None);
    assert_eq!(f.len(), 1);
    assert!(f[0].fix.is_none());
}

#[test]
fn makefile_unknown_goflags_and_conditionals() {
    let src = "build:\n\tgo build $(BUILD_FLAGS) -o bin/app .\n";
    let f = run_file("Makefile", src, None);
    assert_eq!(f.len(), 1);
    assert!(f[0].fix.is_none() && f[0].message.contains("$(BUILD_FLAGS)"));
    assert!(
        f[0].message
            .starts_with("release `go build` may lack -trimpath")
    );
    let src = "build:\n\tgo build -o bin/app $(BUILD_OPTIONS) ./cmd/app\n";
    assert!(run_file("Makefile", src, None)[0].fix.is_none());
    let src = "OPTS := -tags netgo\nbuild:\n\tgo build $(OPTS) -o bin/app ./cmd/app\n";
    assert!(run_file("Makefile", src, None)[0].fix.is_some());
    let src = "VERSION ?= dev\nLDFLAGS = -ldflags \"-X main.version=${VERSION}\"\nbuild:\n\tgo build ${LDFLAGS} -o bin/app .\n";
    let (got, f) = fixed("Makefile", src);
    assert_eq!(f.len(), 1);
    assert_eq!(
        got,
        "VERSION ?= dev\nLDFLAGS = -ldflags \"-s -w -X main.version=${VERSION}\"\nbuild:\n\tgo build -trimpath ${LDFLAGS} -o bin/app .\n"
    );
    let src = "include common.mk\nLDFLAGS := -X main.v=1\nbuild:\n\tgo build -ldflags \"$(LDFLAGS)\" -o bin/app .\n";
    let f = run_file("Makefile", src, None);
    assert!(
        f[0].message
            .starts_with("release `go build` lacks -trimpath:"),
        "{}",
        f[0].message
    );
    let src = "ifdef DEBUG\nbuild:\n\tgo build -o bin/app .\nendif\n";
    assert!(run_file("Makefile", src, None).is_empty());
    let src = "export GOFLAGS := -trimpath\nbuild:\n\tgo build -ldflags=\"-s -w\" -o bin/app .\n";
    assert!(run_file("Makefile", src, None).is_empty());
    let src =
        "test:\n\tgo build -o bin/app . && go test ./...\nrace:\n\tgo build -race -o bin/app .\n";
    assert!(run_file("Makefile", src, None).is_empty());
}

#[test]
fn goreleaser_builds() {
    let src = "version: 2\nbuilds:\n  - id: api\n    main: ./cmd/api\n    ldflags:\n      - -X main.version={{.Version}}\n  - id: worker\n    main: ./cmd/worker\n    flags:\n      - -tags=netgo\n  - id: debug\n    main: ./cmd/api\n  - id: ok\n    flags:\n      - -trimpath\narchives:\n  - format: tar.gz\n";
    let (got, found) = fixed(".goreleaser.yml", src);
    assert_eq!(found.len(), 2, "{found:?}");
    let want = "version: 2\nbuilds:\n  - id: api\n    main: ./cmd/api\n    ldflags:\n      - -s -w\n      - -X main.version={{.Version}}\n    flags:\n      - -trimpath\n  - id: worker\n    main: ./cmd/worker\n    flags:\n      - -trimpath\n      - -tags=netgo\n  - id: debug\n    main: ./cmd/api\n  - id: ok\n    flags:\n      - -trimpath\narchives:\n  - format: tar.gz\n";
    assert_eq!(got, want);
    assert!(fixed(".goreleaser.yml", &got).1.is_empty());
    let src = "builds:\n  - id: cli\n    flags: [-v]\n    ldflags: [-X main.v={{.Version}}]\n";
    let (got, found) = fixed(".goreleaser.yml", src);
    assert_eq!(found.len(), 1);
    assert_eq!(
        got,
        "builds:\n  - id: cli\n    flags: [-trimpath, -v]\n    ldflags: [-s -w, -X main.v={{.Version}}]\n"
    );
    let src = "builds:\n  - <<: *defaults\n    id: cli\n";
    assert!(run_file(".goreleaser.yml", src, None).is_empty());
}
