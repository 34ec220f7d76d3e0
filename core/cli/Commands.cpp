// The registry of `qkov` subcommands, in the order `qkov --help` lists them.
#include "Command.h"

namespace qkov::cli {

Command inspectCommand();
Command tokenizeCommand();
Command logitsCommand();

const std::vector<Command> &commands()
{
    static const std::vector<Command> all = {inspectCommand(), tokenizeCommand(), logitsCommand()};
    return all;
}

} // namespace qkov::cli
