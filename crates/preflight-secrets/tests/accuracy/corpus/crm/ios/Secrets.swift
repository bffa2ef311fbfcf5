import Foundation

enum Secrets {
    static let analyticsWriteKey = "3CU1HvScuBlvIEBmtk0igsjXGLKmshAC"
    static let apiToken = "649af30d0280d139f362a73195380d4b57368092c867553545b446fcd7960b7e"
    static let signingSecret = "DGEWM16+RPh3H3EC4UvkKrlNWo5NLOr7ZIy6uA7IIVs="
    static let apiTokenKeychainKey = "com.example.crm.apiToken"
}
