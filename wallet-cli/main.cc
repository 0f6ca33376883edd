// agritrace: the AgriTrace wallet command line. See wallet-cli/app.h.
#include "wallet-cli/app.h"

int main(int argc, char** argv) { return agritrace::wallet::RunCli(argc, argv); }
