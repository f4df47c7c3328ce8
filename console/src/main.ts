import { createApp } from 'vue';
import urql, { Client, fetchExchange } from '@urql/vue';
import App from './App.vue';
import { createSession } from './auth/session';
import { initialLocale, makeI18n, storedUserLocale } from './i18n';
import { makeRouter } from './router';
import { SESSION_KEY } from './composables/useSession';
import './styles.css';

const GRAPHQL_URL = '/graphql';

async function main() {
  const session = createSession({ url: GRAPHQL_URL });
  const i18n = makeI18n(initialLocale());
  const applyUserLocale = () => {
    const id = session.state.user?.id;
    const l = id ? storedUserLocale(id) : null;
    if (l) i18n.global.locale.value = l;
    document.documentElement.lang = i18n.global.locale.value;
  };
  await session.restore();
  applyUserLocale();

  // POST only (the gateway's CSRF protection and the console server's proxy take POST /graphql).
  const client = new Client({
    url: GRAPHQL_URL,
    exchanges: [fetchExchange],
    preferGetMethod: false,
    fetch: session.authFetch,
    requestPolicy: 'network-only',
  });
  const router = makeRouter(session);
  session.onEnd((reason) => {
    const here = router.currentRoute.value;
    void router.push({
      name: 'login',
      query: {
        ...(reason === 'expired' ? { expired: '1' } : {}),
        ...(here.meta.public ? {} : { redirect: here.fullPath }),
      },
    });
  });
  router.afterEach(() => applyUserLocale());

  const app = createApp(App);
  app.provide(SESSION_KEY, session);
  app.use(i18n);
  app.use(router);
  app.use(urql, client);
  app.mount('#app');
}

void main();
