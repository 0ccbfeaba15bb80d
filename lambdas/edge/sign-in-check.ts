/**
 * The viewer-request check in front of the private dashboard: a request with a valid Cognito ID
 * token (cookie) passes to the origin; any other request is sent to the hosted sign-in. The work is
 * done by `cognito-at-edge` (AWS Labs), which verifies tokens with `aws-jwt-verify` (signature
 * against the pool's JWKS, issuer, audience = the app client, token use, expiry) and exchanges the
 * authorization code the hosted sign-in returns for tokens set as cookies. Nothing here parses a JWT.
 *
 * Logging: cognito-at-edge logs whole tokens at info/debug and refresh tokens at error level, so its
 * own logger stays silent; this module logs one line per decision with the path and outcome only —
 * never a cookie, token or authorization code.
 */
import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from 'aws-lambda';
import { Authenticator } from 'cognito-at-edge';
import type { SignInConfig } from './sign-in-config';

export interface EdgeLog {
  info(message: string, fields: Record<string, unknown>): void;
}

/** One JSON line on stdout (CloudWatch Logs in the region of the edge location that ran it). */
export const consoleEdgeLog: EdgeLog = {
  info: (message, fields) => console.log(JSON.stringify({ level: 'INFO', message, ...fields })),
};

/** The sign-in cookies last one day; the ID token inside is valid for an hour and refreshed from the refresh token. */
export const COOKIE_DAYS = 1;

export interface SignInCheck {
  handle(event: CloudFrontRequestEvent): Promise<CloudFrontRequest | CloudFrontResultResponse>;
  /** The token verifier (aws-jwt-verify); tests give it a JWKS with `cacheJwks` instead of fetching the pool's. */
  readonly verifier: Authenticator['_jwtVerifier'];
}

export function createSignInCheck(config: SignInConfig, log: EdgeLog = consoleEdgeLog): SignInCheck {
  const authenticator = new Authenticator({
    region: config.region,
    userPoolId: config.userPoolId,
    userPoolAppId: config.clientId,
    userPoolDomain: config.domain,
    cookieExpirationDays: COOKIE_DAYS,
    // Scripts on the page never need the tokens; Lax lets the cookies set after the hosted sign-in's redirect back be sent.
    httpOnly: true,
    sameSite: 'Lax',
    logLevel: 'silent',
  });
  return {
    verifier: authenticator._jwtVerifier,
    async handle(event) {
      const request = event.Records[0]!.cf.request;
      const result = await authenticator.handle(event);
      const admitted = !('status' in result);
      const status = admitted ? undefined : (result as CloudFrontResultResponse).status;
      log.info(admitted ? 'signed in: request passed' : 'not signed in: sent to sign-in', { uri: request.uri, status });
      return result;
    },
  };
}
