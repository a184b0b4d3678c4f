/* The secrets engine: the built-in rule pack over a corpus of real-shaped true positives and
 * near-miss negatives (one of each per rule at least), the shared fixture's planted secrets,
 * redaction, hostile rule files, and a false-positive sweep over this machine's own text
 * files (/usr/share/doc, /etc, /usr/lib/python3). */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "secrets/secrets.h"

struct corpus_row {
    const char *rule, *positive, *secret, *negative;
};

/* Generated once (values are made up but format-valid; the key lines come from keys that
 * openssl/ssh-keygen generated for this test and threw away). */
static const struct corpus_row corpus[] = {
    {"aws-access-key-id", "aws_access_key_id = AKIAUJZDE8GXD6NCF10E\n", "AKIAUJZDE8GXD6NCF10E",
     "AKIAPF91DHODZDOC is too short\n"},
    {"aws-secret-access-key", "AWS_SECRET_ACCESS_KEY=Rl1SPnXNYvMIHa/2o76umfXfKm/r5kJP1VrT+1FJ\n",
     "Rl1SPnXNYvMIHa/2o76umfXfKm/r5kJP1VrT+1FJ",
     "AWS_SECRET_ACCESS_KEY=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"},
    {"aws-mws-auth-token", "mws=amzn.mws.aabfe228-f219-e9cb-0eb5-3f16947ccf25\n",
     "amzn.mws.aabfe228-f219-e9cb-0eb5-3f16947ccf25", "amzn.mws.1234-abcd\n"},
    {"gcp-service-account-key",
     "{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo-123\",\n  \"private_key_id\": "
     "\"f9243a8f506b40928b5b7a767c76fb008f86bebb\",\n  \"private_key\": \"-----BEGIN PRIVATE "
     "KEY-----\\n5zjR3j1twdTKWTddB+XhkAS1voQG6yyzyN9zHYIa4UOrGNATMuDJawTgsu8PO+"
     "79\\nKcNd8Zra9A9sKPxZ9W3qLy7zKUVQDT7S8sTQCBNR3YbDgbleph1QHt61QTC4XATW\\n-----END PRIVATE "
     "KEY-----\\n\",\n  \"client_email\": \"x@demo-123.iam.gserviceaccount.com\"\n}\n",
     "5zjR3j1twdTKWTddB+XhkAS1voQG6yyzyN9zHYIa4UOrGNATMuDJawTgsu8PO+79",
     "{\"type\": \"service_account\", \"project_id\": \"demo\"}\n"},
    {"gcp-api-key", "GOOGLE_API_KEY=AIzaS8PHp9NHfYjFM5DI4pZj59fhZ5R1Py4oJe2\n",
     "AIzaS8PHp9NHfYjFM5DI4pZj59fhZ5R1Py4oJe2", "AIzaENqTyH5xJ8tpqXJQ4I9d\n"},
    {"gcp-oauth-client-secret", "\"client_secret\": \"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\"\n",
     "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", "GOCSPX-short\n"},
    {"azure-storage-connection-string",
     "DefaultEndpointsProtocol=https;AccountName=mystore01;AccountKey=KhiFXiQ2hzT/"
     "pLjHX2JiCLhKcIhP6Br1iQFeOUhGXZnnal5WisCgEBCY8f5N3/"
     "ynbdrZRzsGQBJg3UHKwkflF6==;EndpointSuffix=core.windows.net\n",
     "KhiFXiQ2hzT/pLjHX2JiCLhKcIhP6Br1iQFeOUhGXZnnal5WisCgEBCY8f5N3/ynbdrZRzsGQBJg3UHKwkflF6==",
     "DefaultEndpointsProtocol=https;AccountName=mystore01;AccountKey=;EndpointSuffix=core.windows."
     "net\n"},
    {"azure-storage-account-key",
     "AZURE_STORAGE_KEY=XUi5AhuqpfEnbtXAqwK8jZfALhLSzFyCmmdKTxp/TkSF2RCdKDFRuNw5GCf+hA6ILI8gJhead6/"
     "wJ9kFZJSqgm==\n",
     "XUi5AhuqpfEnbtXAqwK8jZfALhLSzFyCmmdKTxp/TkSF2RCdKDFRuNw5GCf+hA6ILI8gJhead6/wJ9kFZJSqgm==",
     "AZURE_STORAGE_KEY=RB9H+iMb+lk777PZnK8Cl6J5ixaaJLShuQjOud/+\n"},
    {"azure-sas-token",
     "https://acct.blob.core.windows.net/c/"
     "b?sv=2021-08-06&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&sig="
     "ZBKA8frcZTuJaWYUH1VAUwV1ZH87MtA5vSQXEZY3lEX%3D\n",
     "ZBKA8frcZTuJaWYUH1VAUwV1ZH87MtA5vSQXEZY3lEX%3D",
     "https://acct.blob.core.windows.net/c/b?sv=2021-08-06&sig=short\n"},
    {"github-pat", "token: ghp_7bwR2DRGD1qSo7JPRbgUMxXy9b4BzwoZ648j\n",
     "ghp_7bwR2DRGD1qSo7JPRbgUMxXy9b4BzwoZ648j", "token: ghp_jNuFD7uacnwIp3SfD67j\n"},
    {"github-oauth-token", "token: gho_IKeaVSTQvvpQZpPTejqZHKpKENg5zfjOc6Vw\n",
     "gho_IKeaVSTQvvpQZpPTejqZHKpKENg5zfjOc6Vw", "token: gho_cbIjMPFLVjFUPXQzkM4B\n"},
    {"github-user-to-server-token", "token: ghu_v3aYavhNYRVwDfRk9XIrghoy32NFR5PYZpcb\n",
     "ghu_v3aYavhNYRVwDfRk9XIrghoy32NFR5PYZpcb", "token: ghu_9T2039BICbtw5ze9lfAE\n"},
    {"github-server-to-server-token", "token: ghs_Z7770h2dcPyGOJJhrG80usp2w5dFjxCAyIOk\n",
     "ghs_Z7770h2dcPyGOJJhrG80usp2w5dFjxCAyIOk", "token: ghs_6CptT9IoQhobswHGETh8\n"},
    {"github-refresh-token", "token: ghr_lMYQOymAAiTdR9Up14PehPjPB9atpTDBMf4r\n",
     "ghr_lMYQOymAAiTdR9Up14PehPjPB9atpTDBMf4r", "token: ghr_paFQOqb7XOfCsVtaXrZM\n"},
    {"github-fine-grained-pat",
     "GH_TOKEN=github_pat_AzSv2gENfMTx0MOdOQw4SG_"
     "8nfnL5Ofa6qD8mJ7ZDNBmJaDtDLZc5t4UuHF7KVMLp7hvdCTquY1XVcKGAF\n",
     "github_pat_AzSv2gENfMTx0MOdOQw4SG_"
     "8nfnL5Ofa6qD8mJ7ZDNBmJaDtDLZc5t4UuHF7KVMLp7hvdCTquY1XVcKGAF",
     "github_pat_RFWa94Hj9wNYWx0T0zbFDt\n"},
    {"gitlab-pat", "GITLAB_TOKEN=glpat-8Zv5Ypu8D0fzFwE7IHgY\n", "glpat-8Zv5Ypu8D0fzFwE7IHgY",
     "glpat-vE5mVXRV99\n"},
    {"gitlab-runner-token", "token = \"glrt-FhojmAIDdN87xg3-Q-XB\"\n", "glrt-FhojmAIDdN87xg3-Q-XB",
     "glrt-z7vT0sxJ\n"},
    {"gitlab-pipeline-trigger-token", "TRIGGER=glptt-7aaeb26c57d21fa5d328263dfe574de739988b88\n",
     "glptt-7aaeb26c57d21fa5d328263dfe574de739988b88", "glptt-6e7577496a2c8773e130\n"},
    {"slack-token", "SLACK_BOT_TOKEN=xoxb-737504310399-3158279401995-NCXVJCNQCmup6N0A0UarXLnT\n",
     "xoxb-737504310399-3158279401995-NCXVJCNQCmup6N0A0UarXLnT", "xoxb-not-a-token\n"},
    {"slack-app-token",
     "SLACK_APP_TOKEN=xapp-1-ENC594E0GZ9-2812646446049-"
     "bdd0b6cc60d5d32cbe54014c2b54b95523cf6941fa1c257c6f561c5cb347611a\n",
     "xapp-1-ENC594E0GZ9-2812646446049-"
     "bdd0b6cc60d5d32cbe54014c2b54b95523cf6941fa1c257c6f561c5cb347611a",
     "xapp-1-short\n"},
    {"slack-webhook",
     "url: https://hooks.slack.com/services/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\n",
     "HYmdj2oxTpaTlPbYqXcgcLBA", "https://hooks.slack.com/services/T000/B000/XXX\n"},
    {"stripe-secret-key", "STRIPE_KEY=sk_live_ggqCCoIF7uUxugFDwg5Yp8yI\n",
     "sk_live_ggqCCoIF7uUxugFDwg5Yp8yI", "sk_test_B2Enus0HMI4fS9z6yKryu7OE\n"},
    {"stripe-restricted-key", "STRIPE_RK=rk_live_1WnwQKU5nR50dJQg96eNlQng\n",
     "rk_live_1WnwQKU5nR50dJQg96eNlQng", "rk_test_PUXCMLZKo7RrU5YKyyQHxhDo\n"},
    {"stripe-webhook-secret", "STRIPE_WEBHOOK=whsec_2X93cjhls45GQio2ZvzXQYXkJXVwFcOL\n",
     "whsec_2X93cjhls45GQio2ZvzXQYXkJXVwFcOL", "whsec_nv9DS0hQTo\n"},
    {"twilio-api-key", "TWILIO_API_KEY=SKa01749ddb14f71010b93b7d946bf5407\n",
     "SKa01749ddb14f71010b93b7d946bf5407", "TWILIO_API_KEY=SK4e3248c801\n"},
    {"twilio-auth-token", "TWILIO_AUTH_TOKEN=bef750110c57513064d6d59291f0cde2\n",
     "bef750110c57513064d6d59291f0cde2", "TWILIO_AUTH_TOKEN=00000000000000000000000000000000\n"},
    {"sendgrid-api-key",
     "SENDGRID_API_KEY=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\n",
     "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",
     "SG.CC826zwoF0wooSeGIGywpN\n"},
    {"mailgun-api-key", "MAILGUN_API_KEY=key-9aad80b891baf90d0d3bf16295d06910\n",
     "key-9aad80b891baf90d0d3bf16295d06910", "MAILGUN_API_KEY=key-short\n"},
    {"npm-access-token", "NPM_TOKEN=npm_WfGfsy0L9flW91gQk8KS0N8sOfKH8oxFfysj\n",
     "npm_WfGfsy0L9flW91gQk8KS0N8sOfKH8oxFfysj", "npm_yGoUWGZ7Z5\n"},
    {"npmrc-auth-token", "//registry.npmjs.org/:_authToken=4vFb4pBXNTQb5igKY4oO8dIimwswmpCWlUhJ\n",
     "4vFb4pBXNTQb5igKY4oO8dIimwswmpCWlUhJ", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"},
    {"pypi-upload-token",
     "password = "
     "pypi-AgEIcHlwaS5vcmc5pV74gdQq7eYimTTfpsUepYhNVNZxTSmm3jZNNjax7EBz3cl7CSgzAf31ddX\n",
     "pypi-AgEIcHlwaS5vcmc5pV74gdQq7eYimTTfpsUepYhNVNZxTSmm3jZNNjax7EBz3cl7CSgzAf31ddX",
     "pypi-AgEIcHlwaS5vcmcpHdbUQosG5\n"},
    {"rubygems-api-key",
     ":rubygems_api_key: rubygems_d7c58dfe0d5a0cf318656b3e6f0bade65c3b188cc102ddb8\n",
     "rubygems_d7c58dfe0d5a0cf318656b3e6f0bade65c3b188cc102ddb8",
     "rubygems_379c7ce65426f74bde94\n"},
    {"docker-config-auth",
     "{\n\t\"auths\": {\n\t\t\"registry.example.com\": {\n\t\t\t\"auth\": "
     "\"ZGVwbG95OngxZVd5Mk9SdFlyUWJyTGVBenV6\"\n\t\t}\n\t}\n}",
     "ZGVwbG95OngxZVd5Mk9SdFlyUWJyTGVBenV6",
     "{\"auths\": {\"registry.example.com\": {}}, \"credsStore\": \"desktop\"}\n"},
    {"rsa-private-key",
     "-----BEGIN RSA PRIVATE "
     "KEY-----\nMIICXQIBAAKBgQC80brvPeqm9VXkehQZo1DaDvFax5kWAnke8uOs5DmGipM+Vq+q\n",
     "MIICXQIBAAKBgQC80brvPeqm9VXkehQZo1DaDvFax5kWAnke8uOs5DmGipM+Vq+q",
     "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n"},
    {"ec-private-key",
     "-----BEGIN EC PRIVATE "
     "KEY-----\nMHcCAQEEIPEOezujVKiLxzmnXXj9OFxT1CBh+QJfk/enMUntVVOcoAoGCCqGSM49\n",
     "MHcCAQEEIPEOezujVKiLxzmnXXj9OFxT1CBh+QJfk/enMUntVVOcoAoGCCqGSM49",
     "-----BEGIN EC PRIVATE KEY-----\n...\n-----END EC PRIVATE KEY-----\n"},
    {"openssh-private-key",
     "-----BEGIN OPENSSH PRIVATE "
     "KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n",
     "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
     "-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY-----\n"},
    {"pkcs8-private-key",
     "-----BEGIN PRIVATE "
     "KEY-----\nMC4CAQAwBQYDK2VwBCIEIM3Icb09W8qecKlnc9DVKzfguliZTur77dgPqNgIXoPX\n",
     "MC4CAQAwBQYDK2VwBCIEIM3Icb09W8qecKlnc9DVKzfguliZTur77dgPqNgIXoPX",
     "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"},
    {"pkcs8-encrypted-private-key",
     "-----BEGIN ENCRYPTED PRIVATE "
     "KEY-----\nMIIC3TBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI2v28UJvXz00CAggA\n",
     "MIIC3TBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI2v28UJvXz00CAggA",
     "-----BEGIN ENCRYPTED PRIVATE KEY-----\n...\n-----END ENCRYPTED PRIVATE KEY-----\n"},
    {"rsa-private-key",
     "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: "
     "AES-128-CBC,636E1C4D1F9AB7068193F47B7B976193\n\n2tneFLToCwGAvXzX5/"
     "vlKa0d5TG502lzS5ZSzDjMNIj3yNlhwIaXP/6oZ2yYLPXC\n",
     "2tneFLToCwGAvXzX5/vlKa0d5TG502lzS5ZSzDjMNIj3yNlhwIaXP/6oZ2yYLPXC",
     "-----BEGIN RSA PRIVATE "
     "KEY-----\nMIIEpAIBAAKCAQEAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"},
    {"dsa-private-key",
     "-----BEGIN DSA PRIVATE "
     "KEY-----\nMIIBuwIBAAKBgQjtfmp9+2KuTmxHKpRsBBaJlgMSdX5sTazVLmZ/bK4OPh1dR8/H\n",
     "MIIBuwIBAAKBgQjtfmp9+2KuTmxHKpRsBBaJlgMSdX5sTazVLmZ/bK4OPh1dR8/H",
     "-----BEGIN DSA PRIVATE KEY-----\n\n"},
    {"pgp-private-key",
     "-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: made "
     "up\n\nlQOYBG97S+f/VAUp7/l7v21JXuDCFqM9+SEb1QrMur8ak3r2gGllt/zqisa/PqYo\n",
     "lQOYBG97S+f/VAUp7/l7v21JXuDCFqM9+SEb1QrMur8ak3r2gGllt/zqisa/PqYo",
     "-----BEGIN PGP PUBLIC KEY "
     "BLOCK-----\n\nmQENBFmQLFzzGzmNAFY8HwSKbF6WMXE1MBvRnhmX1EoC3G/FP1z5IBxT80NK8bT\n"},
    {"putty-private-key",
     "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: made-up\nPublic-Lines: "
     "1\nAAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFake\nPrivate-Lines: "
     "1\nAAAAC3NzaC1lZDI1NTE5AAAAIB2ABPLbPQ8Cjf5XGuSKl/6gGEBHBKx\n",
     "AAAAC3NzaC1lZDI1NTE5AAAAIB2ABPLbPQ8Cjf5XGuSKl/6gGEBHBKx",
     "PuTTY-User-Key-File-3: ssh-ed25519\n"},
    {"kubeconfig-client-key-data",
     "users:\n- name: admin\n  user:\n    client-certificate-data: "
     "Idyhp9ZYbYLXlutzTfF/vNv7KToDsjCMEa+bhj2M5QgErZXwKDGEv6+IyPLg\n    client-key-data: "
     "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpublYrSG92NDhWU091VTE5eDVpcWxqSHFCVG4yZnd4d2Q1a0Fwa"
     "GkyVUZrU1NqL3NLK3daZG5IeTdhZ0J4Nkx0\n",
     "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpublYrSG92NDhWU091VTE5eDVpcWxqSHFCVG4yZnd4d2Q1a0Fwa"
     "GkyVUZrU1NqL3NLK3daZG5IeTdhZ0J4Nkx0",
     "    client-key-data: REDACTED\n"},
    {"jwt",
     "Authorization: Bearer "
     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
     "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJpYXQiOjE1MTYyMzkwMjJ9."
     "odLyX5UvecWEgtHDGh9HMSoAZm4N8pvgxPv9wV4eSB7\n",
     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
     "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJpYXQiOjE1MTYyMzkwMjJ9."
     "odLyX5UvecWEgtHDGh9HMSoAZm4N8pvgxPv9wV4eSB7",
     "eyJhbGciOiJIUzI1NiJ9.notajwt\n"},
    {"database-url-password", "DATABASE_URL=postgres://app:t6MzCK71OE7n@db.internal:5432/app\n",
     "t6MzCK71OE7n", "DATABASE_URL=postgres://app@db.internal:5432/app\n"},
    {"database-url-password", "mongodb+srv://admin:3X4vIxc9G77Y@cluster0.example.net/db\n",
     "3X4vIxc9G77Y", "mysql://user:password@localhost/db\n"},
    {"database-url-password", "REDIS_URL=redis://:1BoEcVU0OeHo@cache:6379/0\n", "1BoEcVU0OeHo",
     "redis://localhost:6379/0\n"},
    {"database-url-password", "mysql://root:XJVOvDLtcj4J@127.0.0.1:3306/x\n", "XJVOvDLtcj4J",
     "mysql://root:${MYSQL_PASSWORD}@127.0.0.1/x\n"},
    {"basic-auth-credentials-in-command",
     "RUN /bin/sh -c curl -u admin:s3cr3t https://example.com/x | sh\n", "s3cr3t",
     "curl -u \"$USER:$TOKEN\" https://example.com/x\n"},
    {"basic-auth-credentials-in-command",
     "curl -fsSL --user deploy:Zq81mWx0pL https://repo.example.com/a.tgz -o a.tgz\n", "Zq81mWx0pL",
     "curl -fsSL --user deploy https://repo.example.com/a.tgz\n"},
    {"basic-auth-credentials-in-command",
     "wget --user=ci --password=Gk2pW9xLq https://example.com/a.tgz\n", "Gk2pW9xLq",
     "wget --user=ci --ask-password https://example.com/a.tgz\n"},
    {"generic-password", "password: \"Tr0ub4dor&3x\"\n", "Tr0ub4dor&3x",
     "password = os.environ['DB_PASSWORD']\n"},
    {"generic-password", "conn = connect(host='db', password='Tr0ub4dor&3x')\n", "Tr0ub4dor&3x",
     "password = \"changeme\"\n"},
    {"env-password", "DB_PASSWORD=Tr0ub4dor&3x\n", "Tr0ub4dor&3x", "DB_PASSWORD=changeme\n"},
    {"env-password", "  password: hunter2\n", "hunter2", "    password = get_password(user)\n"},
    {"env-password", "export PGPASSWORD=Tr0ub4dor&3x\n", "Tr0ub4dor&3x",
     "password = self.password\n"},
    {"generic-secret", "secret = \"c3JRaaPJBRk1SVzKQfGUd5eHJgDo5yq7\"\n",
     "c3JRaaPJBRk1SVzKQfGUd5eHJgDo5yq7", "CLIENT_SECRET=\"your_client_secret_here\"\n"},
    {"generic-secret", "api_key: \"c3JRaaPJBRk1SVzKQfGUd5eHJgDo5yq7\"\n",
     "c3JRaaPJBRk1SVzKQfGUd5eHJgDo5yq7", "token = get_token()\n"},
    {"generic-secret", "CLIENT_SECRET=\"c3JRaaPJBRk1SVzKQfGUd5eHJgDo5yq7\"\n",
     "c3JRaaPJBRk1SVzKQfGUd5eHJgDo5yq7", "\"access_token\": \"2YotnFZFEjr1zCsicMWpAA\"\n"},
};

static const char *const rule_ids[] = {
    "aws-access-key-id",
    "aws-secret-access-key",
    "aws-mws-auth-token",
    "gcp-service-account-key",
    "gcp-api-key",
    "gcp-oauth-client-secret",
    "azure-storage-connection-string",
    "azure-storage-account-key",
    "azure-sas-token",
    "github-pat",
    "github-oauth-token",
    "github-user-to-server-token",
    "github-server-to-server-token",
    "github-refresh-token",
    "github-fine-grained-pat",
    "gitlab-pat",
    "gitlab-runner-token",
    "gitlab-pipeline-trigger-token",
    "slack-token",
    "slack-app-token",
    "slack-webhook",
    "stripe-secret-key",
    "stripe-restricted-key",
    "stripe-webhook-secret",
    "twilio-api-key",
    "twilio-auth-token",
    "sendgrid-api-key",
    "mailgun-api-key",
    "npm-access-token",
    "npmrc-auth-token",
    "pypi-upload-token",
    "rubygems-api-key",
    "docker-config-auth",
    "rsa-private-key",
    "ec-private-key",
    "dsa-private-key",
    "openssh-private-key",
    "pgp-private-key",
    "pkcs8-private-key",
    "pkcs8-encrypted-private-key",
    "putty-private-key",
    "kubeconfig-client-key-data",
    "jwt",
    "database-url-password",
    "basic-auth-credentials-in-command",
    "generic-password",
    "env-password",
    "generic-secret",
};

struct hit {
    char rule[64];
    char secret[512];
    char excerpt[SECRETS_EXCERPT_MAX];
    int line;
    enum secrets_severity sev;
};

struct hits {
    struct hit h[64];
    size_t n;
};

static int collect(const struct secrets_finding *f, void *user)
{
    struct hits *hs = user;
    if (hs->n < sizeof hs->h / sizeof hs->h[0]) {
        struct hit *h = &hs->h[hs->n++];
        snprintf(h->rule, sizeof h->rule, "%s", f->rule_id);
        size_t n = f->secret_len < sizeof h->secret - 1 ? f->secret_len : sizeof h->secret - 1;
        memcpy(h->secret, f->secret, n);
        h->secret[n] = '\0';
        memcpy(h->excerpt, f->excerpt, sizeof h->excerpt);
        h->line = f->line;
        h->sev = f->severity;
    }
    return 0;
}

static struct secrets_engine *builtin(void)
{
    struct strata_error err = {0};
    struct secrets_engine *e = secrets_engine_new();
    assert_non_null(e);
    int rc = secrets_engine_add_builtin(e, &err);
    if (rc == 0)
        rc = secrets_engine_compile(e, &err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    return e;
}

static void scan_text(struct secrets_engine *e, const char *path, const char *text, struct hits *hs)
{
    struct strata_error err = {0};
    hs->n = 0;
    int rc = secrets_scan(e, path, text, strlen(text), collect, hs, &err);
    if (rc < 0)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, SECRETS_SCANNED);
}

static void test_pack_size(void **st)
{
    (void)st;
    struct secrets_engine *e = builtin();
    assert_true(secrets_engine_rule_count(e) >= 40);
    secrets_engine_free(e);
}

/* Every rule has a positive and a negative, each positive is found by its rule with exactly
 * the expected secret, and the excerpt never holds the secret. */
static void test_corpus(void **st)
{
    (void)st;
    struct secrets_engine *e = builtin();
    size_t pos = 0, neg = 0, bad = 0;
    for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
        const struct corpus_row *c = &corpus[i];
        struct hits hs;
        scan_text(e, "t", c->positive, &hs);
        int found = 0;
        for (size_t k = 0; k < hs.n; k++) {
            if (strcmp(hs.h[k].rule, c->rule) == 0 && strcmp(hs.h[k].secret, c->secret) == 0)
                found = 1;
            assert_null(strstr(hs.h[k].excerpt, hs.h[k].secret));
            assert_true(strlen(hs.h[k].excerpt) <= 9);
            assert_non_null(strstr(hs.h[k].excerpt, "*****"));
        }
        if (!found) {
            fprintf(stderr, "MISS %s: positive not found (%zu hits", c->rule, hs.n);
            for (size_t k = 0; k < hs.n; k++)
                fprintf(stderr, "; %s '%s'", hs.h[k].rule, hs.h[k].secret);
            fprintf(stderr, ")\n");
            bad++;
        } else {
            pos++;
        }
        scan_text(e, "t", c->negative, &hs);
        int fp = 0;
        for (size_t k = 0; k < hs.n; k++)
            if (strcmp(hs.h[k].rule, c->rule) == 0) {
                fprintf(stderr, "FP %s: negative matched '%s'\n", c->rule, hs.h[k].secret);
                fp = 1;
            }
        if (fp)
            bad++;
        else
            neg++;
    }
    /* every rule of the pack appears in the corpus */
    for (size_t r = 0; r < sizeof rule_ids / sizeof rule_ids[0]; r++) {
        int seen = 0;
        for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++)
            seen |= strcmp(corpus[i].rule, rule_ids[r]) == 0;
        if (!seen)
            fprintf(stderr, "rule %s has no corpus row\n", rule_ids[r]);
        assert_true(seen);
    }
    assert_int_equal(sizeof rule_ids / sizeof rule_ids[0], secrets_engine_rule_count(e));
    printf("corpus: %zu true positives found, %zu negatives clean, %zu wrong\n", pos, neg, bad);
    assert_int_equal(bad, 0);
    secrets_engine_free(e);
}

/* The shared fixture (debian12-app: /app/.env and /app/id_rsa, as planted there). */
static void test_fixture_secrets(void **st)
{
    (void)st;
    struct secrets_engine *e = builtin();
    struct hits hs;
    scan_text(e, "app/.env",
              "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
              "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
              "AWS_DEFAULT_REGION=us-east-1\n",
              &hs);
    assert_int_equal(hs.n, 2);
    assert_string_equal(hs.h[0].rule, "aws-access-key-id");
    assert_string_equal(hs.h[0].secret, "AKIAIOSFODNN7EXAMPLE");
    assert_int_equal(hs.h[0].line, 1);
    assert_string_equal(hs.h[0].excerpt, "AKIA*****");
    assert_string_equal(hs.h[1].rule, "aws-secret-access-key");
    assert_string_equal(hs.h[1].secret, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    assert_int_equal(hs.h[1].line, 2);
    assert_string_equal(hs.h[1].excerpt, "wJal*****");
    scan_text(e, "app/id_rsa",
              "-----BEGIN RSA PRIVATE KEY-----\n"
              "MIIEpAIBAAKCAQEA6pCp0Awpr4VnHpQyc420fW7aiDAwe7GrKvL+jN0CNfFB72OM\n"
              "HBiSXBE8xmePlTqpzlJEmkjBGZ+OJOqTJaXAmwmOeeA/YqQmHv35XsH06bFmsqYP\n",
              &hs);
    assert_int_equal(hs.n, 1);
    assert_string_equal(hs.h[0].rule, "rsa-private-key");
    assert_int_equal(hs.h[0].line, 2);
    assert_int_equal(hs.h[0].sev, SECRETS_CRITICAL);
    secrets_engine_free(e);
}

static void test_bounds_and_binary(void **st)
{
    (void)st;
    struct secrets_engine *e = builtin();
    struct strata_error err = {0};
    struct hits hs = {0};
    static const char bin[] = "ELF\0AKIAABCDEFGHIJKLMNOP\n";
    assert_int_equal(secrets_scan(e, "b", bin, sizeof bin - 1, collect, &hs, &err),
                     SECRETS_SKIPPED_BINARY);
    assert_int_equal(secrets_scan(e, "big", bin, (size_t)SECRETS_MAX_SCAN + 1, collect, &hs, &err),
                     SECRETS_SKIPPED_SIZE);
    assert_int_equal(secrets_scan(e, "empty", "", 0, collect, &hs, &err), SECRETS_SCANNED);
    assert_int_equal(hs.n, 0);
    /* many matches: bounded, no crash */
    size_t n = 200000;
    char *big = malloc(n * 21 + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        memcpy(big + i * 21, "AKIAQWERTYUIOPASDFGH\n", 21);
    size_t count = 0;
    hs.n = 0;
    int rc = secrets_scan(e, "many", big, n * 21, collect, &hs, &err);
    assert_int_equal(rc, SECRETS_SCANNED);
    count = hs.n;
    assert_true(count > 0);
    free(big);
    /* a long run of a generic assignment value is one finding, not one per byte */
    char *run = malloc(100000 + 32);
    assert_non_null(run);
    strcpy(run, "password=");
    for (size_t i = 0; i < 100000; i++)
        run[9 + i] = "abcdefghijklmnop"[i % 16];
    run[9 + 100000] = '\0';
    scan_text(e, "run", run, &hs);
    assert_true(hs.n <= 1);
    free(run);
    secrets_engine_free(e);
}

static void test_allow_lists(void **st)
{
    (void)st;
    struct strata_error err = {0};
    struct secrets_engine *e = secrets_engine_new();
    assert_int_equal(secrets_engine_add_builtin(e, &err), 0);
    static const char user[] = "allow:\n"
                               "  paths: ['*/testdata/*']\n"
                               "  values: ['^AKIAQWERTY']\n";
    assert_int_equal(secrets_engine_add_pack(e, "user.yaml", user, sizeof user - 1, &err), 0);
    assert_int_equal(secrets_engine_compile(e, &err), 0);
    struct hits hs = {0};
    static const char t[] = "AKIAQWERTYUIOPASDFGH AKIAZXCVBNMLKJHGFDSA\n";
    assert_int_equal(secrets_scan(e, "src/testdata/x", t, sizeof t - 1, collect, &hs, &err),
                     SECRETS_SKIPPED_PATH);
    scan_text(e, "src/x", t, &hs);
    assert_int_equal(hs.n, 1);
    assert_string_equal(hs.h[0].secret, "AKIAZXCVBNMLKJHGFDSA");
    secrets_engine_free(e);
}

static void test_user_rules_add_and_replace(void **st)
{
    (void)st;
    struct strata_error err = {0};
    struct secrets_engine *e = secrets_engine_new();
    assert_int_equal(secrets_engine_add_builtin(e, &err), 0);
    size_t base = secrets_engine_rule_count(e);
    static const char add[] = "rules:\n"
                              "  - id: acme-token\n"
                              "    severity: high\n"
                              "    keywords: [ACME_]\n"
                              "    regex: 'ACME_[0-9]{8}'\n"
                              "  - id: aws-access-key-id\n"
                              "    severity: LOW\n"
                              "    keywords: [akia]\n"
                              "    regex: 'AKIA[A-Z0-9]{16}'\n";
    assert_int_equal(secrets_engine_add_pack(e, "add.yaml", add, sizeof add - 1, &err), 0);
    assert_int_equal(secrets_engine_rule_count(e), base + 1);
    assert_int_equal(secrets_engine_compile(e, &err), 0);
    struct hits hs;
    scan_text(e, "x", "ACME_12345678 AKIAQWERTYUIOPASDFGH\n", &hs);
    assert_int_equal(hs.n, 2);
    assert_string_equal(hs.h[0].rule, "acme-token");
    assert_int_equal(hs.h[1].sev, SECRETS_LOW);
    static const char repl[] =
        "version: 1\nreplace: true\nrules:\n"
        "  - {id: only, severity: MEDIUM, keywords: [zz], regex: 'zz[0-9]+'}\n";
    assert_int_equal(secrets_engine_add_pack(e, "r.yaml", repl, sizeof repl - 1, &err), 0);
    assert_int_equal(secrets_engine_rule_count(e), 1);
    assert_int_equal(secrets_engine_compile(e, &err), 0);
    scan_text(e, "x", "ACME_12345678 zz42\n", &hs);
    assert_int_equal(hs.n, 1);
    assert_string_equal(hs.h[0].rule, "only");
    secrets_engine_free(e);
}

static void expect_bad(const char *yaml, int at_compile, const char *needle)
{
    struct strata_error err = {0};
    struct secrets_engine *e = secrets_engine_new();
    assert_non_null(e);
    int rc = secrets_engine_add_pack(e, "bad.yaml", yaml, strlen(yaml), &err);
    if (at_compile) {
        assert_int_equal(rc, 0);
        rc = secrets_engine_compile(e, &err);
    }
    if (rc == 0 || strstr(err.msg, needle) == NULL)
        fprintf(stderr, "rc=%d msg='%s' wanted '%s'\n", rc, err.msg, needle);
    assert_true(rc < 0);
    assert_non_null(strstr(err.msg, needle));
    secrets_engine_free(e);
}

static void test_hostile_rule_files(void **st)
{
    (void)st;
    /* libfyaml 0.7.12 loops forever on this malformed directive: refused before parsing */
    expect_bad("%\x12"
               "F\x82\x82\x82TF\nrules: []\n",
               0, "bad.yaml:1:1: YAML directives are not supported");
    expect_bad("rules:\n  - id: x\n    severity: HIGH\n    keywords: [a]\n    regex: 'a(b'\n", 1,
               "bad.yaml:5:12: rule x:");
    expect_bad("rules:\n  - id: x\n    severity: HIGH\n    keywords: [a]\n    regex: 'a(?=b)'\n", 1,
               "rule x");
    expect_bad("rules:\n  - id: e\n    severity: HIGH\n    keywords: [a]\n    regex: 'a*'\n", 1,
               "rule e");
    expect_bad("rules:\n  - id: x\n    severity: HIGH\n    keywords: [a]\n", 0,
               "bad.yaml:2:5: rule x: missing 'regex'");
    expect_bad("rules:\n  - severity: HIGH\n    regex: a\n", 0, "missing 'id'");
    expect_bad("rules:\n  - id: x\n    regex: a\n    keywords: [a]\n", 0, "missing 'severity'");
    expect_bad("rules:\n  - id: x\n    regex: a\n    severity: HIGH\n", 0, "missing 'keywords'");
    expect_bad("rules:\n  - id: x\n    regex: [a]\n", 0, "bad.yaml:3:5: regex: expected a string");
    expect_bad("rules:\n  - id: x\n    severity: SEVERE\n", 0, "bad.yaml:3:15: severity");
    expect_bad("rules:\n  - id: x\n    entropy: lots\n", 0, "entropy");
    expect_bad("rules:\n  - id: x\n    keywords: a\n", 0, "keywords: expected a list");
    expect_bad("rules:\n  - id: X Y\n    severity: LOW\n    keywords: [a]\n    regex: a\n", 0,
               "id must be");
    expect_bad("rules:\n  - id: x\n    colour: red\n", 0, "unknown key 'colour'");
    expect_bad("rules: {id: x}\n", 0, "expected a list of rules");
    expect_bad("- a\n- b\n", 0, "must be a mapping");
    expect_bad("rules: [\n", 0, "bad.yaml:");
    expect_bad("version: &v '1'\nrules: *v\n", 0, "alias");
    expect_bad("version: 2\n", 0, "version");
    expect_bad("", 0, "empty");
    {
        static const char nul[] = "rules:\0\n";
        struct strata_error err = {0};
        struct secrets_engine *e = secrets_engine_new();
        assert_true(secrets_engine_add_pack(e, "n.yaml", nul, sizeof nul - 1, &err) < 0);
        assert_non_null(strstr(err.msg, "NUL"));
        secrets_engine_free(e);
    }
    {
        /* huge: over the file bound, and a regex over its bound */
        size_t n = SECRETS_MAX_RULE_FILE + 10;
        char *big = malloc(n + 1);
        assert_non_null(big);
        memset(big, '#', n);
        big[n] = '\0';
        struct strata_error err = {0};
        struct secrets_engine *e = secrets_engine_new();
        assert_int_equal(secrets_engine_add_pack(e, "h.yaml", big, n, &err), STRATA_ELIMIT);
        char *y = malloc(SECRETS_MAX_REGEX + 200);
        assert_non_null(y);
        int o = sprintf(y, "rules:\n  - id: x\n    regex: '");
        memset(y + o, 'a', SECRETS_MAX_REGEX + 1);
        strcpy(y + o + SECRETS_MAX_REGEX + 1, "'\n");
        assert_true(secrets_engine_add_pack(e, "h.yaml", y, strlen(y), &err) < 0);
        assert_non_null(strstr(err.msg, "longer than"));
        free(y);
        free(big);
        secrets_engine_free(e);
    }
    {
        /* deep nesting where a string is expected: a type error, not recursion */
        char y[20000];
        int o = sprintf(y, "rules:\n  - id: x\n    regex: ");
        for (int i = 0; i < 5000; i++)
            y[o++] = '[';
        for (int i = 0; i < 5000; i++)
            y[o++] = ']';
        y[o++] = '\n';
        y[o] = '\0';
        struct strata_error err = {0};
        struct secrets_engine *e = secrets_engine_new();
        assert_true(secrets_engine_add_pack(e, "d.yaml", y, (size_t)o, &err) < 0);
        secrets_engine_free(e);
    }
}

static void test_entropy_and_redact(void **st)
{
    (void)st;
    assert_true(secrets_entropy("aaaa", 4) < 0.001);
    double h = secrets_entropy("abcd", 4);
    assert_true(h > 1.999 && h < 2.001);
    char out[SECRETS_EXCERPT_MAX];
    secrets_redact("hunter2", 7, out, sizeof out);
    assert_string_equal(out, "hu*****");
    secrets_redact("ab", 2, out, sizeof out);
    assert_string_equal(out, "*****");
    secrets_redact("AKIA\x01\x02XXXXXXXXXXX", 16, out, sizeof out);
    assert_string_equal(out, "AKIA*****");
}

/* ---- false positives on this machine's own files ---- */

#define FP_MAX_FILE (1u << 20)
#define FP_MAX_TOTAL (400u << 20)

struct fp_state {
    struct secrets_engine *e;
    size_t files, bytes, skipped_binary, findings_high, findings_other;
    char *buf;
};

static int fp_report(const struct secrets_finding *f, void *user)
{
    struct fp_state *s = user;
    if (f->severity >= SECRETS_HIGH) {
        s->findings_high++;
        fprintf(stderr, "FP? %s:%d %s %s %s\n", f->path, f->line, f->rule_id,
                secrets_severity_name(f->severity), f->excerpt);
    } else {
        s->findings_other++;
    }
    return 0;
}

static void fp_walk(struct fp_state *s, const char *dir, int depth)
{
    if (depth > 12 || s->bytes > FP_MAX_TOTAL)
        return;
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *de;
    char path[4096];
    while ((de = readdir(d)) != NULL && s->bytes <= FP_MAX_TOTAL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
            continue;
        struct stat sb;
        if (lstat(path, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            fp_walk(s, path, depth + 1);
            continue;
        }
        if (!S_ISREG(sb.st_mode) || sb.st_size <= 0 || sb.st_size > (off_t)FP_MAX_FILE)
            continue;
        FILE *f = fopen(path, "rb");
        if (f == NULL)
            continue;
        size_t n = fread(s->buf, 1, FP_MAX_FILE, f);
        fclose(f);
        struct strata_error err = {0};
        int rc = secrets_scan(s->e, path, s->buf, n, fp_report, s, &err);
        if (rc < 0)
            fprintf(stderr, "%s\n", err.msg);
        assert_true(rc >= 0);
        if (rc == SECRETS_SKIPPED_BINARY)
            s->skipped_binary++;
        s->files++;
        s->bytes += n;
    }
    closedir(d);
}

/* The hyperscan databases are cached by the sha256 of what is compiled: a second engine loads
 * them (the files are not rewritten), a corrupt file is a miss (compiled again, rewritten),
 * and the loaded engine finds what the compiled one finds. */
static size_t cache_files(const char *dir, ino_t *inodes, size_t cap)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *de;
    while (d != NULL && (de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l > 5 && strcmp(de->d_name + l - 5, ".hsdb") == 0 && n < cap)
            inodes[n++] = de->d_ino;
    }
    if (d != NULL)
        closedir(d);
    return n;
}

static void test_compiled_cache(void **st)
{
    (void)st;
    char dir[] = "/tmp/strata-test-hscache-XXXXXX";
    assert_non_null(mkdtemp(dir));
    setenv("STRATA_SECRETS_CACHE", dir, 1);
    static const char text[] = "AWS_ACCESS_KEY_ID=AKIAQ3EGRTYU7WZXCV4B\n";
    struct hits hs;
    struct secrets_engine *e = builtin();
    scan_text(e, "a.env", text, &hs);
    assert_int_equal(hs.n, 1);
    secrets_engine_free(e);
    ino_t first[16], second[16];
    size_t n = cache_files(dir, first, 16);
    assert_true(n >= 4);
    e = builtin();
    scan_text(e, "a.env", text, &hs);
    assert_int_equal(hs.n, 1);
    assert_string_equal(hs.h[0].rule, "aws-access-key-id");
    secrets_engine_free(e);
    assert_int_equal(cache_files(dir, second, 16), n);
    assert_memory_equal(first, second, n * sizeof *first); /* loaded, not rewritten */
    /* corrupt every cached database */
    DIR *d = opendir(dir);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        FILE *f = fopen(p, "r+b");
        assert_non_null(f);
        fputs("not a hyperscan database", f);
        fclose(f);
    }
    closedir(d);
    e = builtin();
    scan_text(e, "a.env", text, &hs);
    assert_int_equal(hs.n, 1);
    secrets_engine_free(e);
    /* rewritten after the miss: removing them leaves the directory empty */
    d = opendir(dir);
    while ((de = readdir(d)) != NULL) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (de->d_name[0] != '.')
            assert_int_equal(unlink(p), 0);
    }
    closedir(d);
    assert_int_equal(rmdir(dir), 0);
    setenv("STRATA_SECRETS_CACHE", "", 1); /* empty: no cache for the other tests */
}

/* One compiled engine, scanned from several threads at once, each with its own scanner. */
struct thread_scan {
    const struct secrets_engine *e;
    const char *text;
    size_t found;
    int rc;
};

static int count_finding(const struct secrets_finding *f, void *user)
{
    (void)f;
    ((struct thread_scan *)user)->found++;
    return 0;
}

static void *scan_thread(void *arg)
{
    struct thread_scan *t = arg;
    struct strata_error err = {0};
    struct secrets_scanner *sc = secrets_scanner_new(t->e);
    if (sc == NULL) {
        t->rc = -1;
        return NULL;
    }
    for (int i = 0; i < 200 && t->rc >= 0; i++)
        t->rc = secrets_scanner_scan(sc, "x.env", t->text, strlen(t->text), count_finding, t, &err);
    secrets_scanner_free(sc);
    return NULL;
}

static void test_scanners_in_threads(void **st)
{
    (void)st;
    struct secrets_engine *e = builtin();
    static const char text[] = "GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyz\n"
                               "DB_PASSWORD=Tr0ub4dor&3x\n";
    struct thread_scan ts[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        ts[i] = (struct thread_scan){e, text, 0, 0};
        assert_int_equal(pthread_create(&th[i], NULL, scan_thread, &ts[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(ts[i].rc, SECRETS_SCANNED);
        assert_int_equal(ts[i].found, 400);
    }
    secrets_engine_free(e);
}

static void test_no_false_positives_on_host(void **st)
{
    (void)st;
    struct fp_state s = {.e = builtin()};
    s.buf = malloc(FP_MAX_FILE);
    assert_non_null(s.buf);
    static const char *roots[] = {"/usr/share/doc", "/etc", "/usr/lib/python3"};
    for (size_t i = 0; i < 3; i++)
        fp_walk(&s, roots[i], 0);
    printf("false-positive sweep: %zu files (%zu binary, skipped), %zu bytes: %zu HIGH/CRITICAL, "
           "%zu lower\n",
           s.files, s.skipped_binary, s.bytes, s.findings_high, s.findings_other);
    assert_int_equal(s.findings_high, 0);
    free(s.buf);
    secrets_engine_free(s.e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_size),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_fixture_secrets),
        cmocka_unit_test(test_bounds_and_binary),
        cmocka_unit_test(test_allow_lists),
        cmocka_unit_test(test_user_rules_add_and_replace),
        cmocka_unit_test(test_hostile_rule_files),
        cmocka_unit_test(test_entropy_and_redact),
        cmocka_unit_test(test_compiled_cache),
        cmocka_unit_test(test_scanners_in_threads),
        cmocka_unit_test(test_no_false_positives_on_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
