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
    private static final String ENCRYPTION_KEY = "y1Np304yZQ09m4l3lRcvsHEAWijSa4iW8Ztu9jZOz80=";
    private static final String HMAC_SECRET = "89503cc9c036229cb52a87bfbeedbf16b5cd4046ec7f7ea7d138b5c3abcebecf";
    private static final String SCHEMA_SHA256 = "d4c356febca11b787d18e8b37b011558274a020c89c0f88603c1aebebd8b73f4"; // checksum of schema.sql
    private static final String PASSWORD_PARAM = "password";

    private LegacyExport() {}

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:mysql://legacy-db.internal:3306/ledger", "export", "QJKzsQWRmCdCrJa8sB");
    }

    static Connection connectFromEnv() throws SQLException {
        return DriverManager.getConnection(
                System.getenv("LEGACY_DB_URL"), System.getenv("LEGACY_DB_USER"), System.getenv("LEGACY_DB_PASSWORD"));
    }

    static AmazonS3 archive() {
        BasicAWSCredentials credentials = new BasicAWSCredentials("AKIAWY3QRAHPLJZ2GAVR", "bAfmJDDXisUPD+MJrdB6RGTrd5DnwWZlkr5cGfjQ");
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
            + "MIICXAIBAAKBgQC5YTuGaKzcKijx/Xiyrkz6a1n4dlQ33VMyNr5vS1goHavlvq2+\n"
            + "UpxVhr4bfPPGsLnZbYSlWy/WtGeMwPQ5nH93WFGTFo2w6ztPTuyFuzZUbdd+5UWN\n"
            + "fva0BsGoDsL2xCxjRZNRUT2l+nIKfBBSIrut2BYsNl/JqeadaOCvRYU/rZRDkeyK\n"
            + "bUCRHLpId3Q3d20RJDEriD60oALayBkGzgwuw0Rk6jls1UvUSDMzrzzdf3s6KZvl\n"
            + "bM9py8GY1pgsuJLDyV+xuqrVaYO/4nvUl09ri2zu=\n"
            + "-----END RSA PRIVATE KEY-----\n";
}
