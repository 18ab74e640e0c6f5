import Foundation
import TestKit
import Testing

/// The common options before the subcommand, as `git -C` takes them: `grapevine --home DIR init`.
@Suite struct LeadingOptionsTests {
    @Test("the example of `init --help` works through the binary: grapevine --home DIR init --name Jeff")
    func theInitHelpExampleWorks() throws {
        let home = TestHome.temporaryPath()
        let binary = GrapevineBinary.path
        let created = try ProcessRunner.run(binary, ["--home", home, "init", "--name", "Jeff"])
        #expect(created.code == 0, "\(created.stderr)")
        #expect(created.stdout.hasPrefix("created identity in \(home)\n"))
        let shown = try ProcessRunner.run(binary, ["--home", home, "--json", "card", "show"])
        #expect(shown.code == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("\"value\" : \"Jeff\""))
    }

    @Test("--home, --home=, --log-level and --json work before the subcommand, also before a nested one")
    func commonOptionsBeforeTheSubcommand() throws {
        let (home, me) = try TestHome.create("Jeff")
        let other = TestHome(path: TestHome.temporaryPath())
        #expect(other.run("--home", home.path, "id").stdout.hasPrefix(me.text))
        #expect(other.run("--home=\(home.path)", "id").stdout.hasPrefix(me.text))
        let json = other.run("--json", "--home", home.path, "id")
        #expect(json.code == 0)
        #expect(json.stdout.contains("\"id\" : \"\(me.text)\""))
        let logged = home.run("--log-level", "debug", "card", "set", "title", "x")
        #expect(logged.stdout == "title set\n")
        #expect(logged.stderr.contains("debug: wrote entry"))
        let nested = other.run("--home", home.path, "card", "--json", "show")
        #expect(nested.stdout.contains("\"fields\""), "\(nested.stderr)")
        let mixed = other.run("--home", home.path, "id", "--json")
        #expect(mixed.stdout.contains("\"fingerprint\""))
    }

    @Test("a value that looks like a subcommand stays the option's value")
    func aValueNamedLikeASubcommand() {
        let base = TestHome.temporaryPath()
        #expect((try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)) != nil)
        let home = TestHome(path: base + "/elsewhere")
        let result = home.run("--home", base + "/init", "init")
        #expect(result.code == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: base + "/init/identity.key"))
    }

    @Test("help stays right: the root shows the common options in its usage, a subcommand its own help")
    func helpStaysRight() {
        let home = TestHome()
        let root = home.run("--help")
        #expect(root.code == 0)
        #expect(root.stdout.contains("USAGE: grapevine [--home <dir>] [--log-level <log-level>] [--json] <subcommand>"))
        let sub = home.run("--home", home.path, "init", "--help")
        #expect(sub.code == 0)
        #expect(sub.stdout.hasPrefix("OVERVIEW: Create the identity"))
        #expect(sub.stdout.contains("--home <dir>"))
    }

    @Test("a common flag that the subcommand does not take is still a usage error of that subcommand")
    func aFlagTheSubcommandLacks() {
        let home = TestHome()
        let result = home.run("--json", "run")
        #expect(result.code == 64)
        #expect(result.stderr.hasPrefix("Error: Unknown option '--json'"))
        #expect(home.run("--home").code == 64)
    }
}
