import CommandLineInterface
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// The `recasketch` binary: every subcommand lives in `CommandLineInterface`, where the tests reach it too.
@main
enum RecASketchMain {
    static func main() async {
        // Progress lines reach a log file or a pipe (systemd's journal, `> train.log`) as they are printed, not when
        // a 4 KB block fills or the process ends: stdout is line-buffered even when it is not a terminal.
        setvbuf(stdout, nil, _IOLBF, 0)
        await RecASketchCommand.main()
    }
}
