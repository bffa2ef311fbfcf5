plugins {
    id("org.springframework.boot") version "3.3.4"
    kotlin("jvm") version "2.0.20"
    `maven-publish`
}

publishing {
    repositories {
        maven {
            url = uri("https://maven.pkg.github.com/acme/billing")
            credentials {
                username = project.findProperty("gpr.user") as String? ?: System.getenv("GITHUB_ACTOR")
                password = project.findProperty("gpr.key") as String? ?: System.getenv("GITHUB_TOKEN")
            }
        }
    }
}

dependencies {
    implementation("com.stripe:stripe-java:26.12.0")
}
