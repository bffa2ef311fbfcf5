package com.example.ledger;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Nightly export of closed ledgers to the archive bucket. */
public final class LegacyExport {

    private static final String ARCHIVE_BUCKET = "ledger-archive-prod";
    private static final String ENCRYPTION_KEY = "KWwu+LnKWKzyUKkBYMZ/A1Utbjjy9l93mzuqTbXdePs=";
    private static final String HMAC_SECRET = "e5be96e02483a043c2159fbfcb05ec0ca0d56eb2613fa3c0a24082e3db3f92fc";
    private static final String SCHEMA_SHA256 = "eb0347b6788f2eb93152b057209ef0a1f4393d18c67560e2b487eb5842b72e39"; // checksum of schema.sql
    private static final String PASSWORD_PARAM = "password";

    private LegacyExport() {}

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:mysql://legacy-db.internal:3306/ledger", "export", "4Mv75IXHa2IkoYopEO");
    }

    static Connection connectFromEnv() throws SQLException {
        return DriverManager.getConnection(
                System.getenv("LEGACY_DB_URL"), System.getenv("LEGACY_DB_USER"), System.getenv("LEGACY_DB_PASSWORD"));
    }

    static AmazonS3 archive() {
        BasicAWSCredentials credentials = new BasicAWSCredentials("AKIAIKLPAFHOC5FUV5SS", "RPeK0G03HllMve8sPTpP2xwQa2Ei0Q/+hj/ovGxK");
        return AmazonS3ClientBuilder.standard()
                .withRegion("eu-west-1")
                .withCredentials(new AWSStaticCredentialsProvider(credentials))
                .build();
    }

    static String privateKeyHeader(String pem) {
        return pem.startsWith("-----BEGIN RSA PRIVATE KEY-----") ? "pkcs1" : "pkcs8";
    }

    static final String SIGNING_KEY_PEM =
            "-----BEGIN RSA PRIVATE KEY-----\n"
            + "MIICXAIBAAKBgQCzvh0OdR0GMk+BAWxWvu+oJshe3xREFpZYbkmx05DQdjaG0fx3\n"
            + "5CZIbMp12KM2q2dBCi+HhcuuKpRltliMP/r1Ql1tB1TkLiAH9xSkvgvh4+rBgl5S\n"
            + "/eTwl6V7M6I2kVd12kVnKq4HN5WvFyL98tI8uJAuIx/xssZindMQUYU6/PNpKohl\n"
            + "USoIwH+CvXG9JmVIqwllMHGn6GEnddvW1wpHWCH1E1EF3Y/B8AOA7DY66mLas879\n"
            + "7nCVzz3C8XEclizn/bRKcYZBZkO4VkKijqjWcLRL=\n"
            + "-----END RSA PRIVATE KEY-----\n";
}
