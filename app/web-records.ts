/** The web app's own records (sign-in links, form flashes), for web/: kept in store/ as every record is. */
export { recordSignin, saveFlash, signinState, spendSigninRecord, takeFlash } from '../store/web-records';
export type { FlashRecord } from '../store/web-records';
