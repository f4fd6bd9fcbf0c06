#include "tls.hpp"

#include <mutex>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>

#include "taoslink/error.hpp"

namespace taoslink::tls {

namespace {

thread_local std::string last_verify_error;

// OpenSSL's verdict unchanged; only remembers the reason for the error message.
int verify_callback(int ok, X509_STORE_CTX* store) {
    if (!ok) {
        last_verify_error = X509_verify_cert_error_string(X509_STORE_CTX_get_error(store));
    }
    return ok;
}

}  // namespace

std::string take_verify_error() {
    std::string e;
    e.swap(last_verify_error);
    return e;
}

void ensure_ssl_initialized() {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

Poco::Net::Context::Ptr make_client_context(const std::string& host, bool verify, const std::string& ca_file) {
    using Poco::Net::Context;
    ensure_ssl_initialized();
    Context::Params params;
    params.verificationMode = verify ? Context::VERIFY_RELAXED : Context::VERIFY_NONE;
    params.caLocation = verify ? ca_file : std::string();
    params.loadDefaultCAs = verify && ca_file.empty();
    params.verificationDepth = 9;
    params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
    Context::Ptr ctx;
    try {
        ctx = new Context(Context::TLS_CLIENT_USE, params);
        ctx->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    } catch (const Poco::Exception& e) {
        throw ConnectionError(code::TlsError, "cannot set up TLS" +
                                                  (ca_file.empty() ? std::string() : " with CA file '" + ca_file + "'") +
                                                  ": " + e.displayText());
    }
    // Host name checking is left to OpenSSL (RFC 6125 rules, IP addresses matched against IP SANs);
    // Poco's own check skips loopback hosts and may resolve names in the certificate.
    ctx->enableExtendedCertificateVerification(false);
    SSL_CTX* ssl = ctx->sslContext();
    if (verify) {
        X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ssl);
        Poco::Net::IPAddress ip;
        const bool is_ip = Poco::Net::IPAddress::tryParse(host, ip);
        const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                             : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
        if (ok != 1) throw ConnectionError(code::TlsError, "cannot set up TLS host name checking for '" + host + "'");
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        // Our own callback instead of Poco's: a failed check fails the handshake, whatever handlers
        // another part of the process registered with Poco's SSLManager.
        SSL_CTX_set_verify(ssl, SSL_VERIFY_PEER, &verify_callback);
    } else {
        SSL_CTX_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    }
    return ctx;
}

}  // namespace taoslink::tls
