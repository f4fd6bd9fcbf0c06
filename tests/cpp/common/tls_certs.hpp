// Certificates for the TLS tests (taos-rest over HTTPS, taos-ws over wss://), made at test time
// with the `openssl` command (OPENSSL_EXECUTABLE, which the test target defines) in a temporary
// directory: a CA and server certificates it signs. A missing `openssl` fails the suite loudly.
#pragma once

#include <stdlib.h>  // mkdtemp

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/Context.h>

#include "tls.hpp"

namespace tls_test {

/// Runs a shell command quietly; a non-zero exit fails the test.
inline void run(const std::string& cmd) {
    const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
    if (rc != 0) CPPUNIT_FAIL("command failed (" + std::to_string(rc) + "): " + cmd);
}

/// A server certificate to make: files `name`.key / `name`.pem, subject CN `cn`, subjectAltName `san`.
struct Leaf {
    std::string name;
    std::string cn;
    std::string san;
};

/// The certificate of the in-process servers on 127.0.0.1.
inline Leaf localhost_leaf(const std::string& name) { return {name, "localhost", "DNS:localhost,IP:127.0.0.1"}; }

/// A CA (ca.pem) and the given server certificates signed by it, in a temporary directory
/// /tmp/taoslink-`tag`-tls-XXXXXX that the destructor removes.
class Certs {
public:
    Certs(const std::string& tag, const std::vector<Leaf>& leaves) {
        const std::string openssl = OPENSSL_EXECUTABLE;
        if (std::system((openssl + " version >/dev/null 2>&1").c_str()) != 0) {
            CPPUNIT_FAIL("the `openssl` command (" + openssl + ") is needed for the TLS tests and was not found");
        }
        std::string tmpl = "/tmp/taoslink-" + tag + "-tls-XXXXXX";
        if (!mkdtemp(tmpl.data())) CPPUNIT_FAIL("mkdtemp failed");
        dir_ = tmpl;
        const std::string d = dir_.string() + "/";
        run(openssl + " req -x509" + kEcKey + "-keyout " + d + "ca.key -out " + d + "ca.pem -days 2 -subj /CN=taoslink-" +
            tag + "-test-ca -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
        for (const Leaf& leaf : leaves) {
            const std::string f = d + leaf.name;
            std::ofstream(f + ".ext") << "subjectAltName=" << leaf.san
                                      << "\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n";
            run(openssl + " req" + kEcKey + "-keyout " + f + ".key -out " + f + ".csr -subj /CN=" + leaf.cn);
            run(openssl + " x509 -req -in " + f + ".csr -CA " + d + "ca.pem -CAkey " + d + "ca.key -CAcreateserial -out " +
                f + ".pem -days 2 -extfile " + f + ".ext");
        }
        ca_ = d + "ca.pem";
    }
    ~Certs() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    Certs(const Certs&) = delete;
    Certs& operator=(const Certs&) = delete;

    /// The CA file that verifies every server certificate here.
    const std::string& ca() const { return ca_; }

    /// A server context presenting certificate `name`.
    Poco::Net::Context::Ptr server_context(const std::string& name) const {
        taoslink::tls::ensure_ssl_initialized();
        const std::string f = dir_.string() + "/" + name;
        return new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, f + ".key", f + ".pem", "",
                                      Poco::Net::Context::VERIFY_NONE);
    }

private:
    static constexpr const char* kEcKey = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    std::filesystem::path dir_;
    std::string ca_;
};

}  // namespace tls_test
