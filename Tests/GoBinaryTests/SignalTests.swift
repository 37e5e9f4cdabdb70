import Testing
import ELFKit
@testable import GoBinary
import TestSupport

/// The scenario programs, built with Go 1.19 and with the current Go.
@Suite("Signals on the scenario programs")
struct SignalTests {
    static let dirs = ["go119", "go"]

    func facts(_ dir: String, _ name: String) throws -> GoFacts {
        let b = try TestBinaries.named("\(dir)/\(name)")
        let f = try goFacts(b).1
        return try #require(f, "\(b.name) is not read as Go")
    }

    @Test("server with cgo: libc resolver and the cgo runtime", arguments: dirs)
    func serverCgo(_ dir: String) throws {
        for name in ["server-cgo1", "server-cgo1-sw"] {
            let s = try facts(dir, name).signals
            #expect(s.netCgoResolver, "\(dir)/\(name)")
            #expect(s.cgoRuntime, "\(dir)/\(name)")
            #expect(s.cgoPackages.contains("net"))
            #expect(!s.cgoPackages.contains("runtime/cgo") && !s.cgoPackages.contains("runtime"))
            #expect(s.evidence[.netCgoResolver]?.contains("net._C2func_getaddrinfo") == true)
            #expect(s.x509SystemRoots)
        }
    }

    @Test("server with netgo/osusergo or cgo off: neither", arguments: dirs)
    func serverNetgo(_ dir: String) throws {
        for name in ["server-cgo1-netgo-osusergo", "server-cgo0", "server-cgo0-trimpath-sw-X"] {
            let f = try facts(dir, name)
            #expect(!f.signals.netCgoResolver, "\(dir)/\(name)")
            #expect(!f.signals.cgoRuntime, "\(dir)/\(name)")
            #expect(f.signals.cgoPackages.isEmpty, "\(dir)/\(name): \(f.signals.cgoPackages)")
            #expect(f.signals.x509SystemRoots)
        }
        #expect(try facts(dir, "server-cgo1-netgo-osusergo").buildInfo?.setting("CGO_ENABLED") == "1")
    }

    @Test("os/user: pure with osusergo or cgo off, libc with cgo", arguments: dirs)
    func userLookup(_ dir: String) throws {
        for name in ["userlookup-cgo1-osusergo", "userlookup-cgo0"] {
            let s = try facts(dir, name).signals
            #expect(s.osUserPure, "\(dir)/\(name)")
            #expect(!s.osUserCgo, "\(dir)/\(name)")
        }
        let cgo = try facts(dir, "userlookup-cgo1").signals
        #expect(cgo.osUserCgo)
        #expect(!cgo.osUserPure)
        #expect(cgo.cgoRuntime)
        #expect(cgo.cgoPackages.contains("os/user"))
    }

    @Test("time zones: LoadLocation, tzdata only with timetzdata", arguments: dirs)
    func tz(_ dir: String) throws {
        let plain = try facts(dir, "tz").signals
        #expect(plain.timeLoadLocation)
        #expect(!plain.tzdataEmbedded)
        let embedded = try facts(dir, "tz-timetzdata").signals
        #expect(embedded.timeLoadLocation)
        #expect(embedded.tzdataEmbedded)
    }

    @Test("CGO_ENABLED=1 without a cgo package: no cgo runtime", arguments: dirs)
    func cgoEnabledButUnused(_ dir: String) throws {
        let f = try facts(dir, "tz")
        #expect(f.buildInfo?.setting("CGO_ENABLED") == "1")
        #expect(!f.signals.cgoRuntime)
        #expect(f.signals.cgoPackages.isEmpty)
        #expect(!f.links("runtime/cgo"))
    }

    @Test("a cgo module is named", arguments: dirs)
    func sqlite(_ dir: String) throws {
        for name in ["sqlite-cgo1", "sqlite-musl-static"] {
            let f = try facts(dir, name)
            #expect(f.signals.cgoPackages.contains("example.com/fakesqlite"), "\(dir)/\(name): \(f.signals.cgoPackages)")
            #expect(f.signals.cgoRuntime)
            #expect(f.links("example.com/fakesqlite"))
            #expect(f.buildInfo?.deps.first?.path == "example.com/fakesqlite")
            #expect(f.buildInfo?.deps.first?.replace?.path == "../fakesqlite")
        }
    }

    @Test("plugin, temp files", arguments: dirs)
    func pluginAndTemp(_ dir: String) throws {
        let p = try facts(dir, "plugin-cgo1").signals
        #expect(p.plugin)
        #expect(p.cgoPackages.contains("plugin"))
        #expect(try facts(dir, "tmp-cgo0").signals.tempDir)
        #expect(!(try facts(dir, "hello-cgo0").signals.tempDir))
    }

    @Test("hello has no signal at all", arguments: dirs)
    func hello(_ dir: String) throws {
        let s = try facts(dir, "hello-cgo0").signals
        #expect(s.evidence.isEmpty, "\(s.evidence)")
        #expect(s.cgoPackages.isEmpty)
    }
}

@Suite("GoSignals storage")
struct GoSignalsStorageTests {
    @Test("each signal has its own slot, in allCases order; evidence is capped at four distinct names")
    func slots() {
        #expect(GoSignal.allCases.map(\.index) == Array(0..<GoSignal.allCases.count))
        #expect(GoSignal.count == GoSignal.allCases.count)
        var s = GoSignals()
        #expect(s.evidence.isEmpty && s == GoSignals())
        for (k, signal) in GoSignal.allCases.enumerated() {
            for n in 0..<6 { s.note(signal, "\(signal.rawValue).f\(n % 5)") }
            #expect(s.evidence(signal) == (0..<4).map { "\(signal.rawValue).f\($0)" })
            #expect(s.evidence.count == k + 1)
            for other in GoSignal.allCases.dropFirst(k + 1) { #expect(!s.has(other)) }
        }
        var t = GoSignals()
        t.note(.tempDir, "os.TempDir")
        #expect(t != s && t.tempDir && !t.cgoRuntime && t.evidence == [.tempDir: ["os.TempDir"]])
    }
}
