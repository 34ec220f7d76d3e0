// The registry of `qkov` subcommands, in the order `qkov --help` lists them.
#include "Command.h"

namespace qkov::cli {

Command inspectCommand();

const std::vector<Command> &commands()
{
    static const std::vector<Command> all = {inspectCommand()};
    return all;
}

} // namespace qkov::cli
