package com.acme.keys;

final class KeyLoader {
    static final String SERVICE_KEY = "-----BEGIN PRIVATE KEY-----\n"
        + "RbTPvcvfIYz8g3lswHhQJNd+3UHhy63t4yFU1EZzpM4eyRDI0xTN3dYpBh4d6jre\n"
        + "L3+qlD6jHA5BRv3s0TsYxVFIPe0VJvYe3PNf5RqVFCva3EooAPjTmbQiye0danNw\n"
        + "4m3igryAiXpsu+TNE5L1ezXvAW12UBfcCeafB6WWGLD6s2A68P74qdpSAPrROut1\n"
        + "hRRx8rPXYHan93+xJpW7L6jyhUrNqzARcJjPh7AO/M6AAoBpVAtxpnQq/cslbDgg\n"
        + "V8EXcm8c6Z11BCa7YwNWDuPtY+Ponxz349PDNSNZ\n"
        + "-----END PRIVATE KEY-----\n";
    static final String KEY_HEADER = "-----BEGIN PRIVATE KEY-----";
}
