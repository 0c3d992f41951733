// Bearer-token auth (README: credentials from enroot's file; registry/README.md "auth"): a real
// registry that accepts only tokens from a token service (registry_token_server), which asks
// for basic auth. fetch_image must follow the 401's `Bearer realm=...` to the service, with
// the service's own `machine` entry, and present the token.
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/e2e/registry/registry_fixture.hpp"
#include "tests/support/free_port.hpp"

namespace skiff::test {
namespace {

class TokenAuth : public Registry {
protected:
    void SetUp() override {
        Registry::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        repo_http("multi");  // the token registry serves the plain registry's storage
        auto key = run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                                "/CN=skiff-test-token", "-keyout", work_ / "token.key", "-out", work_ / "token.pem"});
        ASSERT_EQ(key.status, 0) << key;
        token_server_.emplace(start_process({TOKEN_SERVER_BINARY, work_ / "token.key", work_ / "token.pem", "skiff",
                                             password_, log_}));
        ASSERT_TRUE(token_server_->wait_for_output("\n", std::chrono::seconds(30))) << token_server_->wait();
        token_service_ = "127.0.0.1:" + token_server_->out_so_far().substr(0, token_server_->out_so_far().size() - 1);
        int port = free_tcp_port();
        registry_ = "127.0.0.1:" + std::to_string(port);
        std::ofstream(work_ / "token-registry.yml")
            << "version: 0.1\nlog: {level: warn, accesslog: {disabled: true}}\n"
            << "storage: {filesystem: {rootdirectory: " << world().vars["HTTP_STORAGE"]
            << "}, maintenance: {uploadpurging: {enabled: false}}}\n"
            << "http: {addr: " << registry_ << ", secret: skiff-test-secret}\n"
            << "auth: {token: {realm: 'http://" << token_service_ << "/token', service: skiff-test-registry, "
            << "issuer: skiff-test-issuer, rootcertbundle: " << work_ / "token.pem" << "}}\n";
        registry_server_.emplace(start_process({"docker-registry", "serve", work_ / "token-registry.yml"}));
        for (int i = 0; i < 300 && !port_accepts(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        ASSERT_TRUE(port_accepts(port)) << registry_server_->wait(std::chrono::seconds(1));
    }

    std::string token_log() const {
        std::ifstream in(log_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    std::string password_ = "token-password-0815";
    std::string log_ = work_ / "token.log";
    std::string token_service_, registry_;
    std::optional<BackgroundProcess> token_server_, registry_server_;
};

TEST_F(TokenAuth, TokenFromTheRealmWithTheTokenServicesCredentials) {
    work_.write_file("credentials", "machine " + token_service_ + " login skiff password " + password_ + "\n");
    auto img = fetch(registry_ + "/test/multi:1");
    ASSERT_TRUE(img) << img.error().message << "\n" << token_log();
    EXPECT_EQ(img->manifest_digest, world().digests["multi"]);
    EXPECT_EQ(img->layers.size(), 3u);
    EXPECT_NE(token_log().find("user=skiff service=skiff-test-registry scope=repository:test/multi:pull -> 200"),
              std::string::npos)
        << token_log();
}

TEST_F(TokenAuth, RefusedTokenNamesTheTokenServiceAndItsCredentialsEntry) {
    work_.write_file("credentials", "machine " + token_service_ + " login skiff password wrong-one\n");
    auto wrong = fetch(registry_ + "/test/multi:1");
    ASSERT_FALSE(wrong) << "the registry took a request without a valid token";
    EXPECT_EQ(wrong.error().message.find("wrong-one"), std::string::npos) << wrong.error().message;
    EXPECT_NE(wrong.error().message.find("token service " + token_service_ + " refused the credentials of 'skiff' "
                                         "(HTTP 401); fix the 'machine " + token_service_ + "' entry in " +
                                         (work_ / "credentials")),
              std::string::npos)
        << wrong.error().message;
}

}  // namespace
}  // namespace skiff::test
