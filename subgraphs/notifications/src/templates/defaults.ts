import type { Kind, Language } from '../kinds.js';

export interface TemplateText {
  subject: string;
  text: string;
}

/**
 * The templates every kind starts with, in every language of LANGUAGES. An admin's edit is a
 * stored version that takes their place (version 1 onwards); these are version 0.
 */
export const DEFAULT_TEMPLATES: Record<Kind, Record<Language, TemplateText>> = {
  EMAIL_VERIFICATION: {
    en: {
      subject: 'Confirm your email address',
      text: 'Welcome to P2P Delivery. Confirm your email address with the link below; it works until {{expiresAt}}.\n\n{{link}}\n\nIf you did not sign up, ignore this email.',
    },
    fr: {
      subject: 'Confirmez votre adresse e-mail',
      text: "Bienvenue sur P2P Delivery. Confirmez votre adresse e-mail avec le lien ci-dessous ; il est valable jusqu'au {{expiresAt}}.\n\n{{link}}\n\nSi vous ne vous êtes pas inscrit, ignorez cet e-mail.",
    },
  },
  PASSWORD_RESET: {
    en: {
      subject: 'Reset your password',
      text: 'Someone asked to reset the password of your account. Choose a new one with the link below; it works until {{expiresAt}}.\n\n{{link}}\n\nIf it was not you, ignore this email: your password stays as it is.',
    },
    fr: {
      subject: 'Réinitialisez votre mot de passe',
      text: "Une réinitialisation du mot de passe de votre compte a été demandée. Choisissez-en un nouveau avec le lien ci-dessous ; il est valable jusqu'au {{expiresAt}}.\n\n{{link}}\n\nSi ce n'était pas vous, ignorez cet e-mail : votre mot de passe ne change pas.",
    },
  },
  PASSWORD_CHANGED: {
    en: {
      subject: 'Your password was changed',
      text: 'The password of your account was just changed. If it was not you, reset it now at {{appUrl}}.',
    },
    fr: {
      subject: 'Votre mot de passe a été modifié',
      text: "Le mot de passe de votre compte vient d'être modifié. Si ce n'était pas vous, réinitialisez-le dès maintenant sur {{appUrl}}.",
    },
  },
  NEW_SIGN_IN: {
    en: {
      subject: 'New sign-in to your account',
      text: 'Your account was signed in to from a new device ({{device}}, {{ip}}) at {{at}}. If it was not you, change your password and sign out of your other sessions.',
    },
    fr: {
      subject: 'Nouvelle connexion à votre compte',
      text: "Une connexion à votre compte a eu lieu depuis un nouvel appareil ({{device}}, {{ip}}) le {{at}}. Si ce n'était pas vous, changez votre mot de passe et fermez vos autres sessions.",
    },
  },
  TWO_FACTOR_CHANGED: {
    en: {
      subject: 'Two-factor authentication {{state}}',
      text: 'Two-factor authentication was {{state}} on your account. If it was not you, secure your account at {{appUrl}}.',
    },
    fr: {
      subject: 'Double authentification {{state}}',
      text: "La double authentification a été {{state}} sur votre compte. Si ce n'était pas vous, sécurisez votre compte sur {{appUrl}}.",
    },
  },
  REFRESH_TOKEN_REUSED: {
    en: {
      subject: 'A session of yours was signed out',
      text: 'A sign-in token of yours was used twice at {{at}}, which can mean it was stolen: that session has been signed out. Sign in again, and change your password if you did not expect this.',
    },
    fr: {
      subject: 'Une de vos sessions a été fermée',
      text: 'Un jeton de connexion a été utilisé deux fois le {{at}}, ce qui peut signifier un vol : cette session a été fermée. Reconnectez-vous, et changez votre mot de passe si vous ne vous y attendiez pas.',
    },
  },
  OFFER_RECEIVED: {
    en: { subject: 'New offer: {{price}}', text: 'A traveler offers to carry your parcel for {{price}}.\n\n{{link}}' },
    fr: {
      subject: 'Nouvelle offre : {{price}}',
      text: 'Un voyageur propose de transporter votre colis pour {{price}}.\n\n{{link}}',
    },
  },
  OFFER_COUNTERED: {
    en: { subject: 'Counter-offer: {{price}}', text: 'The customer answered your offer with {{price}}.\n\n{{link}}' },
    fr: { subject: 'Contre-offre : {{price}}', text: 'Le client a répondu à votre offre par {{price}}.\n\n{{link}}' },
  },
  OFFER_ACCEPTED: {
    en: {
      subject: 'Offer accepted: delivery {{number}}',
      text: 'Your offer of {{price}} was accepted. Delivery {{number}} is booked.\n\n{{link}}',
    },
    fr: {
      subject: 'Offre acceptée : livraison {{number}}',
      text: 'Votre offre de {{price}} a été acceptée. La livraison {{number}} est réservée.\n\n{{link}}',
    },
  },
  OFFER_DECLINED: {
    en: { subject: 'Offer declined', text: 'The customer declined your offer.\n\n{{link}}' },
    fr: { subject: 'Offre refusée', text: 'Le client a refusé votre offre.\n\n{{link}}' },
  },
  OFFER_WITHDRAWN: {
    en: { subject: 'Offer withdrawn', text: 'A traveler withdrew their offer on your request.\n\n{{link}}' },
    fr: { subject: 'Offre retirée', text: 'Un voyageur a retiré son offre sur votre demande.\n\n{{link}}' },
  },
  PICKED_UP: {
    en: { subject: 'Your parcel was picked up', text: 'The traveler has your parcel. Follow it live.\n\n{{link}}' },
    fr: { subject: 'Votre colis a été récupéré', text: 'Le voyageur a votre colis. Suivez-le en direct.\n\n{{link}}' },
  },
  DELIVERED: {
    en: { subject: 'Parcel delivered', text: 'The parcel was handed over at its destination.\n\n{{link}}' },
    fr: { subject: 'Colis livré', text: 'Le colis a été remis à destination.\n\n{{link}}' },
  },
  PAYOUT_SENT: {
    en: { subject: 'You were paid {{amount}}', text: '{{amount}} is on its way to your payout account.\n\n{{link}}' },
    fr: {
      subject: 'Vous avez reçu {{amount}}',
      text: '{{amount}} est en route vers votre compte de versement.\n\n{{link}}',
    },
  },
  PAYOUT_FAILED: {
    en: {
      subject: 'Payout {{payoutId}} failed',
      text: 'The payout {{payoutId}} of {{amount}} failed after {{attempts}} attempts: {{error}}. The amount stays payable.\n\n{{link}}',
    },
    fr: {
      subject: 'Échec du versement {{payoutId}}',
      text: 'Le versement {{payoutId}} de {{amount}} a échoué après {{attempts}} tentatives : {{error}}. Le montant reste dû.\n\n{{link}}',
    },
  },
  PAYOUT_MISMATCH: {
    en: {
      subject: 'Payout reconciliation: {{mismatch}}',
      text: 'The payout reconciliation found {{mismatch}} for payout {{payoutId}} (provider transfer {{providerRef}}): {{details}}.\n\n{{link}}',
    },
    fr: {
      subject: 'Rapprochement des versements : {{mismatch}}',
      text: 'Le rapprochement des versements a trouvé {{mismatch}} pour le versement {{payoutId}} (virement {{providerRef}}) : {{details}}.\n\n{{link}}',
    },
  },
};
