// The registry of `qkov` subcommands, in the order `qkov --help` lists them.
#include "Command.h"

namespace qkov::cli {

Command inspectCommand();
Command tokenizeCommand();
Command logitsCommand();
Command freezeCommand();
Command sessionCommand();
Command analyzeCommand();
Command demoCommand();

const std::vector<Command> &commands()
{
    static const std::vector<Command> all = {inspectCommand(), tokenizeCommand(), logitsCommand(), analyzeCommand(), freezeCommand(), demoCommand(), sessionCommand()};
    return all;
}

} // namespace qkov::cli
