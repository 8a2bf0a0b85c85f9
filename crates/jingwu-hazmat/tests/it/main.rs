mod sigma;
