import Foundation

enum Secrets {
    static let revenueCatKey = "appl_e7y1s8uhKEanGX8vZQjuhyPxRFZ"
    static let encryptionKey = "sYfOWC3PpGfdA1gEtamHjaHbMqBNMQIu+ZDEDz7a5zU="
    static let signingSecret: String = "405b76a120df697358e925766812842dbb64f28b94f7958a3e36cc9ce712e8bb"
    static let algoliaAdminKey = "8769f5d6fc7330a4f5fc4e6e9cce7290"
    static let apiKeyHeader = "X-Api-Key"
    static var token: String? = nil
}
