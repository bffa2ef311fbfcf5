import * as admin from "firebase-admin";

const FCM_SERVER_KEY = "AAAANlHw3HX:APA91b_eMxAt7PeWPgJ-GZsdegmDV6B8dSM_FBUUP7ALrhqDyAgJpJugTn5gsYj_5x5Hxl09mnkahYUTJodoXc5FXYtVCF8tUCuLBsoBROHvna1YiDVfK_i2CbaQSa42XSC03rRcqXHo";
const SUPABASE_URL = "https://0ub08r4sxana354e7ida.supabase.co";
const SUPABASE_SERVICE_KEY = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImhkemdxZXF6dnptbWxqYXFtc2psIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTc2MDAwMDAwMCwiZXhwIjoyMDc1NTc2MDAwfQ.TAvGm6nRJhHRafwxKdfDpjaK6WtoSb2siZ6iPspekQ4";

export const firebaseConfig = {
  authDomain: "acme-shop-prod.firebaseapp.com",
  projectId: "acme-shop-prod",
  messagingSenderId: "794178938968",
  appId: "1:086760495845:web:f7755003e4020663c191ec",
  measurementId: "G-NLsY8SOX1k",
};
