package com.acme.shop

object Env {
    val dbPassword: String = System.getenv("DB_PASSWORD") ?: "FlMAMUG8I*s42G1qlGp#"
    val signingKey = System.getenv().getOrDefault("SIGNING_KEY", "459551aff68366acc6cb7852a3cb5b79d0b1e879b04437b9690700a9d55d5e3e")
    val region: String = System.getenv("REGION") ?: "eu-west-1"
}
