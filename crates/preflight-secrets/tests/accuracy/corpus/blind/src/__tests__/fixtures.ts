export const fakeUser = { email: "test@example.com", password: "password123" };
export const placeholderKey = "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx";
export const mockToken = "test-token";
export const sampleHash = "2d355dcf4a2b0f7e1a42cdddb3e912cff6f5a352828f5d181985ef2155149622";
