import CommandLineInterface

/// The `recasketch` binary: every subcommand lives in `CommandLineInterface`, where the tests reach it too.
@main
enum RecASketchMain {
    static func main() async {
        await RecASketchCommand.main()
    }
}
