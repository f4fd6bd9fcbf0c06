// Opens echo:// through taoslink's dispatcher and checks the plugin answered.
// Run with TAOSLINK_PLUGIN_PATH pointing at the folder holding libtaoslink-echo.so.
#include <taoslink/taoslink.hpp>

#include <iostream>
#include <string>

int main() {
    try {
        auto conn = taoslink::connect("echo://user:secret@localhost/demo");
        auto result = conn->query("select 'hello from an out-of-tree plugin'");
        auto block = result->next_block();
        if (!block || block->rows() != 1) {
            std::cerr << "echo plugin returned no row\n";
            return 1;
        }
        std::string value(block->column(0).bytes(0));
        std::cout << "echo_client: " << conn->describe() << " -> " << value << "\n";
        auto plugins = taoslink::loaded_plugins();
        bool ok = value == "select 'hello from an out-of-tree plugin'" && plugins.size() == 1 && plugins[0] == "echo" &&
                  conn->describe().find("secret") == std::string::npos;
        std::cout << (ok ? "1 passed, 0 failed" : "0 passed, 1 failed") << "\n";
        return ok ? 0 : 1;
    } catch (const taoslink::Error& e) {
        std::cerr << "echo_client: " << e.what() << "\n";
        return 1;
    }
}
